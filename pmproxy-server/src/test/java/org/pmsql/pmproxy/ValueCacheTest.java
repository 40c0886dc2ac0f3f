package org.pmsql.pmproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueCacheTest {
  private static ValueColumn column(int rows, long from, long to, long hostLast) {
    ValueColumn c = new ValueColumn();
    for (int i = 0; i < rows; i++) {
      c.add(from + i, "i", "v");
    }
    c.covers(from, to, hostLast);
    return c;
  }

  @Test
  void aColumnHoldsItsWindowAndPastItsEndOnlyWhileTheHostLogsNothingNew() {
    ValueColumn c = column(10, 100, 200, 150);
    assertTrue(c.holds(100, 200, 150));
    assertTrue(c.holds(120, 180, 150));
    assertFalse(c.holds(99, 180, 150), "before the window read");
    assertTrue(c.holds(120, 900, 150), "past the window, which reached the host's end");
    assertFalse(c.holds(120, 900, 160), "the host has logged since");
    assertFalse(column(10, 100, 140, 150).holds(120, 900, 150), "window ended before the end");
    assertEquals(3, c.firstAtOrAfter(103));
    assertEquals(10, c.firstAtOrAfter(1000));
  }

  @Test
  void theLeastRecentlyUsedGoFirstWithinTheBound() {
    ValueCache cache = new ValueCache();
    int quarter = ValueCache.MAX_ROWS / 4;
    for (String series : new String[] {"a", "b", "c", "d"}) {
      cache.keep(series, column(quarter, 0, 10, 10));
    }
    assertNotNull(cache.holding("a", 0, 10, 10), "a used: b is now the least recently used");
    cache.keep("e", column(quarter, 0, 10, 10));
    assertNull(cache.holding("b", 0, 10, 10));
    for (String kept : new String[] {"a", "c", "d", "e"}) {
      assertNotNull(cache.holding(kept, 0, 10, 10), kept);
    }
    assertTrue(ValueCache.keepable(quarter));
    assertFalse(ValueCache.keepable(quarter + 1));
  }
}
