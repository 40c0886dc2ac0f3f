package org.pmsql.pmproxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.pmsql.pmseries.Series;

/**
 * The series of every host the server holds, read through SQL from each host's
 * {@code series}, {@code series_instances} and {@code series_sources} tables, with the lookups
 * the API needs. A snapshot serves requests for {@value #REFRESH_SECONDS} s, then the next
 * request reads the tables again (archives grow, loggers start).
 */
final class SeriesCatalog {
  static final int REFRESH_SECONDS = 10;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A host's span, for requests that count back from its newest value. */
  record Host(String name, long firstNanos, long lastNanos) {}

  /** What one reading of the tables found. */
  record Snapshot(Map<String, Series> series, Map<String, Series> seriesOfInstance,
      Map<String, Series.Instance> instances, Map<String, List<String>> sourceNames,
      Map<String, Host> hosts, long readNanos) {

    Collection<Series> all() {
      return series.values();
    }

    /** Every value each label has, as JSON text, for /series/labels?names=. */
    Map<String, Set<String>> labelValues() {
      Map<String, Set<String>> values = new LinkedHashMap<>();
      for (Series s : series.values()) {
        s.labels().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(v));
        for (Series.Instance i : s.instances()) {
          i.labels().forEach((k, v) -> values.computeIfAbsent(k, x -> new LinkedHashSet<>())
              .add(v));
        }
      }
      return values;
    }
  }

  private volatile Snapshot current;

  /** The current snapshot, read again from {@code connection} when stale. */
  Snapshot snapshot(Connection connection) throws SQLException {
    Snapshot s = current;
    if (s == null || System.nanoTime() - s.readNanos() > TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)) {
      synchronized (this) {
        s = current;
        if (s == null
            || System.nanoTime() - s.readNanos() > TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)) {
          s = read(connection);
          current = s;
        }
      }
    }
    return s;
  }

  private static Snapshot read(Connection connection) throws SQLException {
    Map<String, Host> hosts = new LinkedHashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT host, first_ts, last_ts FROM pcp.hosts")) {
      while (rs.next()) {
        hosts.put(rs.getString(1), new Host(rs.getString(1), rs.getLong(2) * 1_000_000L,
            rs.getLong(3) * 1_000_000L));
      }
    }
    Map<String, Series> series = new LinkedHashMap<>();
    Map<String, Series> seriesOfInstance = new HashMap<>();
    Map<String, Series.Instance> instances = new HashMap<>();
    Map<String, List<String>> sourceNames = new LinkedHashMap<>();
    for (String host : hosts.keySet()) {
      String schema = quote(host);
      Map<String, List<Series.Instance>> byMetricSeries = new HashMap<>();
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT series, instance_id, inst, instance, labels"
              + " FROM " + schema + ".series_instances")) {
        while (rs.next()) {
          byMetricSeries.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new Series.Instance(rs.getString(2), rs.getInt(3), rs.getString(4),
                  rs.getString(5), labels(rs.getString(5))));
        }
      }
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT series, source, metric, pmid, indom,"
              + " semantics, type, units, labels FROM " + schema + ".series")) {
        while (rs.next()) {
          String id = rs.getString(1);
          Series s = new Series(id, host, rs.getString(2), rs.getString(3), rs.getString(4),
              rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
              rs.getString(9), labels(rs.getString(9)),
              List.copyOf(byMetricSeries.getOrDefault(id, List.of())));
          series.putIfAbsent(id, s);
          for (Series.Instance i : s.instances()) {
            instances.putIfAbsent(i.id(), i);
            seriesOfInstance.putIfAbsent(i.id(), s);
          }
        }
      }
      try (Statement st = connection.createStatement();
          ResultSet rs = st.executeQuery("SELECT source, hostname, archive FROM " + schema
              + ".series_sources")) {
        while (rs.next()) {
          List<String> names = sourceNames.computeIfAbsent(rs.getString(1),
              k -> new ArrayList<>());
          for (String name : List.of(rs.getString(2), rs.getString(3))) {
            if (!names.contains(name)) {
              names.add(name);
            }
          }
        }
      }
    }
    return new Snapshot(series, seriesOfInstance, instances, sourceNames, hosts,
        System.nanoTime());
  }

  /** Each label's value as JSON text, in the labels' order. */
  private static Map<String, String> labels(String json) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (json == null) {
      return labels;
    }
    try {
      JsonNode object = JSON.readTree(json);
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> label = it.next();
        labels.put(label.getKey(), label.getValue().toString());
      }
    } catch (JsonProcessingException e) {
      // labels that are not JSON are left out, as libpcp leaves them out
    }
    return labels;
  }

  /** A host's or metric's name as a SQL identifier. */
  static String quote(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
