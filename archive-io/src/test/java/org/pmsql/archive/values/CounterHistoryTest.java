package org.pmsql.archive.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterHistoryTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void keepsEveryInstanceApartAcrossGrowth() {
    CounterHistory history = new CounterHistory();
    int instances = 10_000;
    for (int inst = 0; inst < instances; inst++) {
      assertTrue(Double.isNaN(history.rate(7, inst, inst, 0)), "first value has no rate");
      assertTrue(Double.isNaN(history.rate(8, inst, inst, 0)), "another pmID, same instance");
    }
    for (int inst = 0; inst < instances; inst++) {
      assertEquals(inst, history.rate(7, inst, 3.0 * inst, 2 * SECOND), 1e-9, "inst " + inst);
      assertEquals(0.5, history.rate(8, inst, inst + 1, 2 * SECOND), 1e-9, "inst " + inst);
    }
  }

  @Test
  void noRateWhenTheCounterGoesDownOrTimeStands() {
    CounterHistory history = new CounterHistory();
    history.rate(1, -1, 100, 0);
    assertTrue(Double.isNaN(history.rate(1, -1, 50, SECOND)), "counter went down");
    assertEquals(50, history.rate(1, -1, 100, 2 * SECOND), 1e-9, "from the lower value on");
    assertTrue(Double.isNaN(history.rate(1, -1, 200, 2 * SECOND)), "no time passed");
    history.clear();
    assertTrue(Double.isNaN(history.rate(1, -1, 300, 3 * SECOND)), "forgotten after clear");
  }
}
