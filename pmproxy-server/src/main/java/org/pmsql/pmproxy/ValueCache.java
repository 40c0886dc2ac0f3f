package org.pmsql.pmproxy;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of the series read lately, so that a dashboard refreshing the same panels reads
 * each series' window once rather than the whole archive again per panel (an archive keeps
 * all metrics of a time in one record, so one series' window costs a scan of all of them).
 * Least recently used first out, within {@value #MAX_ROWS} values in all; a series with more
 * than a quarter of that is not kept.
 */
final class ValueCache {
  static final int MAX_ROWS = 2_000_000;

  private final Map<String, ValueColumn> columns = new LinkedHashMap<>(16, 0.75f, true);
  private long rows;

  /** The series' values if a column holds all of [from, to], else null. */
  synchronized ValueColumn holding(String series, long from, long to, long hostLast) {
    ValueColumn c = columns.get(series);
    return c != null && c.holds(from, to, hostLast) ? c : null;
  }

  /** Whether a column of this many rows may be kept. */
  static boolean keepable(int size) {
    return size <= MAX_ROWS / 4;
  }

  synchronized void keep(String series, ValueColumn column) {
    ValueColumn old = columns.put(series, column);
    rows += column.size() - (old == null ? 0 : old.size());
    for (Iterator<ValueColumn> it = columns.values().iterator();
        rows > MAX_ROWS && it.hasNext(); ) {
      ValueColumn eldest = it.next();
      if (eldest != column) {
        rows -= eldest.size();
        it.remove();
      }
    }
  }
}
