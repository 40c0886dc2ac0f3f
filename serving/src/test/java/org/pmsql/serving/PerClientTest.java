package org.pmsql.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerClientTest {
  @Test
  void eachClientHoldsAtMostTheBoundAndGetsBackWhatItGivesBack() throws Exception {
    PerClient held = new PerClient(3);
    for (int i = 0; i < 3; i++) {
      assertTrue(held.enter("10.0.0.1"));
    }
    assertTrue(!held.enter("10.0.0.1"), "a fourth is refused");
    assertTrue(held.enter("10.0.0.2"), "another client has its own");
    held.leave("10.0.0.1");
    assertTrue(held.enter("10.0.0.1"));
    assertTrue(!held.enter("10.0.0.1"));
  }

  @Test
  void concurrentEntriesNeverPassTheBound() throws Exception {
    PerClient held = new PerClient(5);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      threads.execute(() -> {
        for (int i = 0; i < 20_000; i++) {
          if (held.enter("a")) {
            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
            inside.decrementAndGet();
            held.leave("a");
          }
        }
      });
    }
    threads.shutdown();
    assertTrue(threads.awaitTermination(60, TimeUnit.SECONDS));
    assertTrue(most.get() <= 5, "most inside at once: " + most.get());
    for (int i = 0; i < 5; i++) {
      assertTrue(held.enter("a"), "all given back");
    }
    assertEquals(5, held.max());
  }
}
