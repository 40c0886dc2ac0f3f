package org.pmsql.pmproxy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.pmsql.pmseries.QueryException;

/**
 * What a PMAPI fetch answers from a host's archives: each metric's values in the newest record
 * that holds it, as pmlogger last logged them. Read once from {@code <host>.latest}, then kept
 * up to date from the records logged since ({@code <host>.metrics WHERE ts_ns > newest}, which
 * seeks), at most once a second per host however many dashboards poll it.
 */
final class LatestValues {
  /** Most (metric, instance) values kept for one host. */
  static final int MAX_VALUES_PER_HOST = 2_000_000;
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** A metric without a domain has one value, at instance null. */
  private static final Comparator<Integer> INSTANCE_ORDER =
      Comparator.nullsFirst(Comparator.naturalOrder());

  /** One metric's newest record: its time and its values by instance (null: no domain). */
  record Metric(long nanos, Map<Integer, Value> values) {}

  /** A value as logged: a number, or text for strings. */
  record Value(Double number, String text) {}

  private final Map<String, HostValues> hosts = new ConcurrentHashMap<>();

  /** The host's metrics, refreshed from its archives when a second has passed. */
  HostValues of(Connection connection, String host, int timeoutSeconds)
      throws SQLException, QueryException {
    HostValues values = hosts.computeIfAbsent(host, HostValues::new);
    values.refresh(connection, timeoutSeconds);
    return values;
  }

  /** One host's newest values. */
  static final class HostValues {
    private final String host;
    private final Map<String, Metric> metrics = new HashMap<>();
    private long newestNanos = Long.MIN_VALUE;
    private long refreshedAt;
    private boolean read;
    private int count;

    HostValues(String host) {
      this.host = host;
    }

    /** The metric's newest record as now (a copy: a refresh changes the kept one). */
    synchronized Metric metric(String name) {
      Metric metric = metrics.get(name);
      if (metric == null) {
        return null;
      }
      Map<Integer, Value> values = new TreeMap<>(INSTANCE_ORDER);
      values.putAll(metric.values());
      return new Metric(metric.nanos(), values);
    }

    synchronized long newestNanos() {
      return newestNanos;
    }

    private synchronized void refresh(Connection connection, int timeoutSeconds)
        throws SQLException, QueryException {
      long now = System.nanoTime();
      if (read && now - refreshedAt < REFRESH_NANOS) {
        return;
      }
      String schema = SeriesCatalog.quote(host);
      String sql = read
          ? "SELECT metric, inst, ts_ns, val, val_text FROM " + schema + ".metrics"
              + " WHERE ts_ns > ?"
          : "SELECT metric, inst, ts_ns, val, val_text FROM " + schema + ".latest";
      try (PreparedStatement st = connection.prepareStatement(sql)) {
        st.setQueryTimeout(timeoutSeconds);
        if (read) {
          st.setLong(1, newestNanos);
        }
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            int inst = rs.getInt(2);
            Integer instance = rs.wasNull() ? null : inst;
            double number = rs.getDouble(4);
            Value value = new Value(rs.wasNull() ? null : number, rs.getString(5));
            keep(rs.getString(1), instance, rs.getLong(3), value);
          }
        }
      }
      read = true;
      refreshedAt = now;
    }

    /** Rows come in time order; a newer record of a metric replaces its values. */
    private void keep(String name, Integer inst, long nanos, Value value) throws QueryException {
      Metric metric = metrics.get(name);
      if (metric == null || metric.nanos() < nanos) {
        if (metric != null) {
          count -= metric.values().size();
        }
        metric = new Metric(nanos, new TreeMap<>(INSTANCE_ORDER));
        metrics.put(name, metric);
      } else if (metric.nanos() > nanos) {
        return;
      }
      if (metric.values().put(inst, value) == null && ++count > MAX_VALUES_PER_HOST) {
        throw new QueryException("host " + host + " has more than " + MAX_VALUES_PER_HOST
            + " current values; pmsql keeps no more for PMAPI fetches");
      }
      newestNanos = Math.max(newestNanos, nanos);
    }
  }
}
