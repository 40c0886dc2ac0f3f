package org.pmsql.pmproxy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pmsql.pmseries.Sampler;
import org.pmsql.pmseries.Series;
import org.pmsql.pmseries.TimeWindow;

/**
 * A series' values in a window, read with SQL from its host's metrics table and written as
 * pmproxy writes them: {@code {"series","instance","timestamp","value"}} per value, the
 * timestamp in milliseconds with the microseconds past them as a fraction, the value as text
 * (integers exactly, floating point as C's %e, strings quoted within the text).
 */
final class SeriesValues {
  /** A newest-first request looks back this far first, then twice as far, and so on. */
  private static final long FIRST_LOOK_BACK_NANOS = 600_000_000_000L;

  private final Connection connection;
  private final int timeoutSeconds;

  SeriesValues(Connection connection, int timeoutSeconds) {
    this.connection = connection;
    this.timeoutSeconds = timeoutSeconds;
  }

  /** One time's values of a series: the rows logged together, each with its instance's id. */
  private record Row(String instance, String value) {}

  private record Group(long nanos, List<Row> rows) {}

  /** Writes the series' values in the window; {@code valuesRequest} as {@link Sampler}. */
  void write(JsonGenerator out, Series series, TimeWindow window, SeriesCatalog.Host host,
      boolean valuesRequest) throws SQLException, IOException {
    Map<String, String> ids = instanceIds(series);
    if (window.newestFirst()) {
      writeNewest(out, series, ids, window.samples(), host);
      return;
    }
    Sampler sampler = new Sampler(window, valuesRequest);
    int[] emitted = {0};
    Group[] pending = {null};
    scan(series, ids, window.startNanos(), window.finishNanos(), group -> {
      Group before = pending[0];
      pending[0] = group;
      if (before != null && sampler.keeps(before.nanos(), group.nanos())) {
        emit(out, series, ids, before);
        return window.samples() == 0 || ++emitted[0] < window.samples();
      }
      return true;
    });
    if (pending[0] != null && (window.samples() == 0 || emitted[0] < window.samples())) {
      emit(out, series, ids, pending[0]);
    }
  }

  /** The newest {@code samples} times, newest first, looking back further until found. */
  private void writeNewest(JsonGenerator out, Series series, Map<String, String> ids,
      int samples,
      SeriesCatalog.Host host) throws SQLException, IOException {
    if (samples == 0 || host == null) {
      return;
    }
    long end = host.lastNanos() + 1_000_000L;
    ArrayDeque<Group> newest = new ArrayDeque<>();
    for (long back = FIRST_LOOK_BACK_NANOS; ; back *= 2) {
      long from = Math.max(host.firstNanos(), end - back);
      newest.clear();
      scan(series, ids, from, end, group -> {
        if (newest.size() == samples) {
          newest.removeFirst();
        }
        newest.addLast(group);
        return true;
      });
      if (newest.size() == samples || from <= host.firstNanos()) {
        break;
      }
    }
    for (var it = newest.descendingIterator(); it.hasNext(); ) {
      emit(out, series, ids, it.next());
    }
  }

  @FunctionalInterface
  private interface GroupSink {
    /** Takes one time's values; false: no more wanted. */
    boolean take(Group group) throws IOException;
  }

  private void scan(Series series, Map<String, String> ids, long fromNanos, long toNanos,
      GroupSink sink)
      throws SQLException, IOException {
    String sql = "SELECT ts_ns, instance, val, val_exact, val_text FROM "
        + SeriesCatalog.quote(series.host()) + ".metrics WHERE metric = ?"
        + (fromNanos != TimeWindow.UNBOUNDED_START ? " AND ts_ns >= ?" : "")
        + (toNanos != TimeWindow.UNBOUNDED_FINISH ? " AND ts_ns <= ?" : "");
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setQueryTimeout(timeoutSeconds);
      int p = 1;
      ps.setString(p++, series.metric());
      if (fromNanos != TimeWindow.UNBOUNDED_START) {
        ps.setLong(p++, fromNanos);
      }
      if (toNanos != TimeWindow.UNBOUNDED_FINISH) {
        ps.setLong(p, toNanos);
      }
      try (ResultSet rs = ps.executeQuery()) {
        Group group = null;
        while (rs.next()) {
          long nanos = rs.getLong(1);
          if (group != null && group.nanos() != nanos) {
            if (!sink.take(group)) {
              return;
            }
            group = null;
          }
          if (group == null) {
            group = new Group(nanos, new ArrayList<>(Math.max(1, series.instances().size())));
          }
          String name = rs.getString(2);
          group.rows().add(new Row(name == null ? null : ids.get(name),
              value(series.type(), rs)));
        }
        if (group != null) {
          sink.take(group);
        }
      }
    }
  }

  private static String value(String type, ResultSet rs) throws SQLException {
    switch (type) {
      case "32", "u32", "64", "u64" -> {
        BigDecimal exact = rs.getBigDecimal(4);
        return exact != null ? exact.toPlainString() : String.valueOf((long) rs.getDouble(3));
      }
      case "float", "double" -> {
        return String.format(Locale.ROOT, "%e", rs.getDouble(3));
      }
      default -> {
        String text = rs.getString(5);
        return text == null ? "0" : '"' + pmwebapiEncoded(text) + '"';
      }
    }
  }

  /** Text as pmseries stores it: ASCII kept, other characters as U+FFFD, controls escaped. */
  private static String pmwebapiEncoded(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      if (ch < 0x20 || ch == '"' || ch == '\\') {
        out.append(String.format("\\u%04x", (int) ch));
      } else if (ch > 0x7e) {
        out.append("\\ufffd");
        if (Character.isHighSurrogate(ch)) {
          i++;
        }
      } else {
        out.append(ch);
      }
    }
    return out.toString();
  }

  private static void emit(JsonGenerator out, Series series, Map<String, String> ids,
      Group group) throws IOException {
    String stamp = (group.nanos() / 1_000_000L) + "." + (group.nanos() % 1_000_000L / 1000L);
    for (Row row : group.rows()) {
      out.writeStartObject();
      out.writeStringField("series", series.id());
      if (row.instance() != null) {
        out.writeStringField("instance", row.instance());
      }
      out.writeFieldName("timestamp");
      out.writeNumber(stamp);
      out.writeStringField("value", row.value());
      out.writeEndObject();
    }
  }

  /** Instance ids by instance name: a renamed instance is another instance to pmseries. */
  private static Map<String, String> instanceIds(Series series) {
    Map<String, String> ids = new HashMap<>();
    for (Series.Instance i : series.instances()) {
      ids.putIfAbsent(i.name(), i.id());
    }
    return ids;
  }
}
