package org.pmsql.pmproxy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pmsql.pmseries.CNumbers;
import org.pmsql.pmseries.Functions;
import org.pmsql.pmseries.QueryException;
import org.pmsql.pmseries.Sampler;
import org.pmsql.pmseries.Series;
import org.pmsql.pmseries.TimeWindow;

/**
 * A series' values in a window, read with SQL from its host's metrics table and written as
 * pmproxy writes them: {@code {"series","instance","timestamp","value"}} per value, the
 * timestamp in milliseconds with the microseconds past them as a fraction, the value as text
 * (integers exactly, floating point as C's %e, strings quoted within the text). A series'
 * window read once is kept ({@link ValueCache}) for the next request that falls within it.
 */
final class SeriesValues {
  /** A newest-first request looks back this far first, then twice as far, and so on. */
  private static final long FIRST_LOOK_BACK_NANOS = 600_000_000_000L;

  private final Connection connection;
  private final int timeoutSeconds;
  private final ValueCache cache;

  SeriesValues(Connection connection, int timeoutSeconds, ValueCache cache) {
    this.connection = connection;
    this.timeoutSeconds = timeoutSeconds;
    this.cache = cache;
  }

  /** One time's rows of a column: [from, to). */
  @FunctionalInterface
  private interface Rows {
    void take(ValueColumn column, int from, int to) throws IOException;
  }

  /** Writes the series' values in the window; {@code valuesRequest} as {@link Sampler}. */
  void write(JsonGenerator out, Series series, TimeWindow window, SeriesCatalog.Host host,
      boolean valuesRequest) throws SQLException, IOException, QueryException {
    forEachTime(series, window, host, valuesRequest,
        (column, from, to) -> emit(out, series, column, from, to));
  }

  /** The series' values in the window as /series/query samples them, one sample a time. */
  List<Functions.Sample> samples(Series series, TimeWindow window, SeriesCatalog.Host host)
      throws SQLException, IOException, QueryException {
    List<Functions.Sample> samples = new ArrayList<>();
    forEachTime(series, window, host, false, (column, from, to) -> {
      List<Functions.Value> values = new ArrayList<>(to - from);
      for (int i = from; i < to; i++) {
        values.add(new Functions.Value(column.nanos(i), column.instance(i), column.value(i)));
      }
      samples.add(new Functions.Sample(column.nanos(from), values));
    });
    return samples;
  }

  private void forEachTime(Series series, TimeWindow window, SeriesCatalog.Host host,
      boolean valuesRequest, Rows rows) throws SQLException, IOException, QueryException {
    if (window.newestFirst()) {
      forEachNewest(series, window.samples(), host, rows);
      return;
    }
    ValueColumn column = column(series, window.startNanos(), window.finishNanos(), host);
    Sampler sampler = new Sampler(window, valuesRequest);
    int emitted = 0;
    int end = column.firstAtOrAfter(window.finishNanos() == TimeWindow.UNBOUNDED_FINISH
        ? Long.MAX_VALUE : window.finishNanos() + 1);
    for (int at = column.firstAtOrAfter(window.startNanos()); at < end; ) {
      int next = endOfTime(column, at, end);
      if (next == end || sampler.keeps(column.nanos(at), column.nanos(next))) {
        rows.take(column, at, next);
        if (++emitted == window.samples()) {
          return;
        }
      }
      at = next;
    }
  }

  /** The newest {@code samples} times, newest first, looking back further until found. */
  private void forEachNewest(Series series, int samples, SeriesCatalog.Host host, Rows rows)
      throws SQLException, IOException, QueryException {
    if (samples == 0 || host == null) {
      return;
    }
    long end = host.lastNanos() + 1_000_000L;
    for (long back = FIRST_LOOK_BACK_NANOS; ; back *= 2) {
      long from = Math.max(host.firstNanos(), end - back);
      ValueColumn column = column(series, from, end, host);
      int times = 0;
      int at = column.size();
      while (at > 0 && times < samples) {
        at = startOfTime(column, at - 1);
        times++;
      }
      if (times == samples || from <= host.firstNanos()) {
        for (int stop = column.size(); stop > at; ) {
          int start = startOfTime(column, stop - 1);
          rows.take(column, start, stop);
          stop = start;
        }
        return;
      }
    }
  }

  /** The row after the last of the time of row {@code at}, at most {@code end}. */
  private static int endOfTime(ValueColumn column, int at, int end) {
    int next = at + 1;
    while (next < end && column.nanos(next) == column.nanos(at)) {
      next++;
    }
    return next;
  }

  /** The first row of the time of row {@code at}. */
  private static int startOfTime(ValueColumn column, int at) {
    int start = at;
    while (start > 0 && column.nanos(start - 1) == column.nanos(at)) {
      start--;
    }
    return start;
  }

  /** Most series one scan reads at once. */
  private static final int MAX_SCAN_SERIES = 32;

  /** One series being read by a scan: its column, instance ids and whether it fits. */
  private static final class Reading {
    final Series series;
    final Map<String, String> ids;
    final ValueColumn column = new ValueColumn();
    boolean overflow;

    Reading(Series series) {
      this.series = series;
      this.ids = instanceIds(series);
    }
  }

  /**
   * The series' values in [from, to]: kept from an earlier read, or read now with the other
   * series of its host lately named (each kept when not too many). A window with more values
   * of the series than {@link ValueCache#MAX_ROWS} / 4 is refused: an answer is held whole
   * before it is sent.
   */
  private ValueColumn column(Series series, long from, long to, SeriesCatalog.Host host)
      throws SQLException, QueryException {
    long hostLast = host == null ? Long.MAX_VALUE : host.lastNanos();
    ValueColumn kept = cache.holding(series.id(), from, to, hostLast);
    if (kept != null) {
      return kept;
    }
    synchronized (cache.hostLock(series.host())) {
      kept = cache.holding(series.id(), from, to, hostLast);
      if (kept != null) {
        return kept;
      }
      Map<String, Reading> byMetric = new LinkedHashMap<>();
      byMetric.put(series.metric(), new Reading(series));
      for (Series other : cache.namedWithout(series.host(), from, to, hostLast)) {
        if (byMetric.size() < MAX_SCAN_SERIES) {
          byMetric.putIfAbsent(other.metric(), new Reading(other));
        }
      }
      read(series.host(), byMetric, from, to);
      Reading wanted = byMetric.get(series.metric());
      if (wanted.overflow) {
        throw new QueryException(series.metric() + " has more than "
            + (ValueCache.MAX_ROWS / 4) + " values in the window asked for; ask for a"
            + " shorter one");
      }
      for (Reading r : byMetric.values()) {
        if (!r.overflow) {
          r.column.covers(from, to, hostLast);
          cache.keep(r.series.id(), r.column);
        }
      }
      return wanted.column;
    }
  }

  /** One scan of the host's metrics table for the metrics of {@code byMetric}. */
  private void read(String host, Map<String, Reading> byMetric, long from, long to)
      throws SQLException {
    StringBuilder names = new StringBuilder();
    for (String metric : byMetric.keySet()) {
      names.append(names.length() == 0 ? "" : ", ").append('\'')
          .append(metric.replace("'", "''")).append('\'');
    }
    String sql = "SELECT ts_ns, instance, val, val_exact, val_text, metric FROM "
        + SeriesCatalog.quote(host) + ".metrics WHERE metric IN (" + names + ")"
        + (from != TimeWindow.UNBOUNDED_START ? " AND ts_ns >= ?" : "")
        + (to != TimeWindow.UNBOUNDED_FINISH ? " AND ts_ns <= ?" : "");
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setQueryTimeout(timeoutSeconds);
      int p = 1;
      if (from != TimeWindow.UNBOUNDED_START) {
        ps.setLong(p++, from);
      }
      if (to != TimeWindow.UNBOUNDED_FINISH) {
        ps.setLong(p, to);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Reading r = byMetric.get(rs.getString(6));
          if (r == null || r.overflow) {
            continue;
          }
          if (!ValueCache.keepable(r.column.size())) {
            r.overflow = true;
            continue;
          }
          String name = rs.getString(2);
          r.column.add(rs.getLong(1), name == null ? null : r.ids.get(name),
              value(r.series.type(), rs));
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
        return CNumbers.exponent(rs.getDouble(3));
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

  private static void emit(JsonGenerator out, Series series, ValueColumn column, int from,
      int to) throws IOException {
    String stamp = stamp(column.nanos(from));
    for (int i = from; i < to; i++) {
      emit(out, series.id(), column.instance(i), stamp, column.value(i));
    }
  }

  /** One value as /series/query writes it; no instance field when {@code instance} is null. */
  static void emit(JsonGenerator out, String series, String instance, String stamp,
      String value) throws IOException {
    out.writeStartObject();
    out.writeStringField("series", series);
    if (instance != null) {
      out.writeStringField("instance", instance);
    }
    out.writeFieldName("timestamp");
    out.writeNumber(stamp);
    out.writeStringField("value", value);
    out.writeEndObject();
  }

  /** pmproxy's time: milliseconds, then the microseconds past them unpadded (.50 is 50 us). */
  static String stamp(long nanos) {
    return (nanos / 1_000_000L) + "." + (nanos % 1_000_000L / 1000L);
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
