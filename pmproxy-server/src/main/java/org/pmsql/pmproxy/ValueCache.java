package org.pmsql.pmproxy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmsql.pmseries.Series;

/**
 * The values of the series read lately, so that a dashboard refreshing the same panels reads
 * each series' window once rather than the whole archive again per panel (an archive keeps
 * all metrics of a time in one record, so one series' window costs a scan of all of them).
 * Least recently used first out, within {@value #MAX_ROWS} values in all; a series with more
 * than a quarter of that is not kept. A dashboard names its panels' series before it asks
 * their values, several at once: the series of a host named lately are read in one scan with
 * the first asked, and one host's scans run one at a time, so the others find theirs kept.
 */
final class ValueCache {
  static final int MAX_ROWS = 2_000_000;
  /** Series remembered per host as lately named, to be read along with the next one asked. */
  static final int NAMED_PER_HOST = 64;

  private final Map<String, ValueColumn> columns = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, Map<String, Series>> named = new HashMap<>();
  private final Map<String, Object> hostLocks = new HashMap<>();
  private long rows;

  /**
   * A series a client named (its dashboard will likely ask its values soon): when another
   * series of its host is read, this one is read in the same scan.
   */
  synchronized void named(Series series) {
    Map<String, Series> ofHost = named.computeIfAbsent(series.host(),
        h -> new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Series> eldest) {
            return size() > NAMED_PER_HOST;
          }
        });
    ofHost.put(series.id(), series);
  }

  /** The series of the host lately named whose values are not kept for [from, to]. */
  synchronized List<Series> namedWithout(String host, long from, long to, long hostLast) {
    List<Series> wanted = new ArrayList<>();
    for (Series s : named.getOrDefault(host, Map.of()).values()) {
      if (holding(s.id(), from, to, hostLast) == null) {
        wanted.add(s);
      }
    }
    return wanted;
  }

  /** One host's reads run one at a time, so that a read waiting finds what another kept. */
  synchronized Object hostLock(String host) {
    return hostLocks.computeIfAbsent(host, h -> new Object());
  }

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
