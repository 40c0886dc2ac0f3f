package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;

/**
 * The counter aggregates on a hand-checkable series with a reset: 10 at 0 s, 15 at 1 s, 3 at
 * 2 s (the counter restarted), 8 at 3 s, given out of order.
 * <ul>
 * <li>PCP's rule skips the step that went down: +5 and +5 over 2 s, 5 a second;
 * <li>Prometheus's counts 3 for it: 8 - 10 + 15 = 13, over 3 s;
 * <li>in the window [-0.5 s, 3.5 s] PromQL extrapolates half a second at each end (within 1.1
 *     average intervals, and not back past zero): 13 * 4 / 3, a rate of 13 / 3 a second.
 * </ul>
 */
class CounterAggregatesTest {
  static final String SERIES = "(VALUES (CAST(8 AS DOUBLE), 3000000000),"
      + " (CAST(10 AS DOUBLE), 0), (CAST(3 AS DOUBLE), 2000000000),"
      + " (CAST(15 AS DOUBLE), 1000000000)) AS s(v, t)";

  @Test
  void resetsAreTreatedAsEachRuleSays() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      Object[] row = Sql.rows(c, "SELECT counter_increase(v, t), counter_rate(v, t),"
          + " prom_increase(v, t), prom_rate(v, t),"
          + " prom_increase(v, t, -500000000, 3500000000), prom_rate(v, t, -500000000,"
          + " 3500000000) FROM " + SERIES).get(0);
      assertEquals(10.0, (Double) row[0], 1e-12);
      assertEquals(5.0, (Double) row[1], 1e-12);
      assertEquals(13.0, (Double) row[2], 1e-12);
      assertEquals(13.0 / 3, (Double) row[3], 1e-12);
      assertEquals(13.0 * 4 / 3, (Double) row[4], 1e-12);
      assertEquals(13.0 / 3, (Double) row[5], 1e-12);
    }
  }

  @Test
  void oneSampleGivesNoValue() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      Object[] row = Sql.rows(c, "SELECT counter_increase(v, t), prom_rate(v, t)"
          + " FROM (VALUES (CAST(1 AS DOUBLE), 0)) AS s(v, t)").get(0);
      assertNull(row[0]);
      assertNull(row[1]);
    }
  }

  @Test
  void aCounterWithoutResetsIncreasesByItsLastMinusItsFirst() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      for (Object[] row : Sql.rows(c, "SELECT counter_increase(val, ts_ns),"
          + " prom_increase(val, ts_ns), max(val) - min(val) FROM vm.\"kernel.percpu.cpu.user\""
          + " GROUP BY instance")) {
        assertEquals((Double) row[2], (Double) row[0], 1e-6);
        assertEquals((Double) row[2], (Double) row[1], 1e-6);
      }
    }
  }
}
