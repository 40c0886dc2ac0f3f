package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * The time-series aggregates and approx_percentile over every series (metric and instance) of
 * real archives, against the test's own computation over libpcp's values by the definitions
 * users know: TimescaleDB's time-weighted averages (LOCF and linear), PromQL's predict_linear
 * (least squares in exact arithmetic here), irate, delta (plain, and extrapolated as PromQL's
 * extrapolatedRate does for gauges), changes and resets; approx_percentile within the t-digest's
 * rank error of the exact order.
 */
class TimeSeriesAggregatesTest {
  private static final double TOLERANCE = 1e-9;
  private static final MathContext EXACT = MathContext.DECIMAL128;

  static Stream<Path> archives() {
    return Stream.of(Sql.sample(), PcpTools.corpus().resolve("omnibus_v3"),
        PcpTools.corpus().resolve("20190628.06.31"));
  }

  /** One series' samples in time order: times in nanoseconds, values. */
  private record Series(long[] t, double[] v) {
    int n() {
      return t.length;
    }

    double seconds(int from, int to) {
      return (t[to] - t[from]) / 1e9;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archives")
  void everySeriesAsTheDefinitionsSay(Path archive) throws Exception {
    LibpcpReference.Dump dump = LibpcpReference.Dump.read(archive, false);
    Map<String, List<Sample>> samples = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Object[] r : dump.rows) {
      if (r[5] instanceof Double v && !v.isNaN()) {
        long ns = (Long) r[1];
        samples.computeIfAbsent(r[2] + "\u0001" + r[3], k -> new ArrayList<>())
            .add(new Sample(ns, v));
        first = Math.min(first, ns);
        last = Math.max(last, ns);
      }
    }
    // one window for every series: 30 s before the first sample (past the extrapolation
    // threshold of most series), 2 s after the last (within it)
    long start = first - 30_000_000_000L;
    long end = last + 2_000_000_000L;
    String sql = "SELECT metric, inst, count(*), time_weight_avg(val, ts_ns),"
        + " time_weight_avg(val, ts_ns, 'linear'), predict_linear(val, ts_ns, 600),"
        + " predict_linear(val, ts_ns, 600, " + end + "), irate(val, ts_ns), delta(val, ts_ns),"
        + " delta(val, ts_ns, " + start + ", " + end + "), changes(val, ts_ns),"
        + " resets(val, ts_ns) FROM metrics WHERE val = val GROUP BY metric, inst";
    int compared = 0;
    try (Connection pmsql = Sql.connect(archive)) {
      for (Object[] row : Sql.rows(pmsql, sql)) {
        String key = row[0] + "\u0001" + row[1];
        Series s = series(samples.get(key));
        String where = archive.getFileName() + " " + row[0] + " inst " + row[1];
        assertEquals(s.n(), ((Number) row[2]).intValue(), where);
        boolean enough = s.n() >= 2 && s.t[s.n() - 1] != s.t[0];
        close(enough ? timeWeighted(s, false) : null, row[3], where + " time_weight_avg");
        close(enough ? timeWeighted(s, true) : null, row[4], where + " time_weight_avg linear");
        close(enough ? predicted(s, s.t[s.n() - 1], 600) : null, row[5],
            where + " predict_linear");
        close(enough ? predicted(s, end, 600) : null, row[6], where + " predict_linear at");
        close(enough ? irate(s) : null, row[7], where + " irate");
        close(enough ? s.v[s.n() - 1] - s.v[0] : null, row[8], where + " delta");
        close(enough ? extrapolatedDelta(s, start, end) : null, row[9], where + " delta window");
        assertEquals(counted(s, false), ((Number) row[10]).longValue(), where + " changes");
        assertEquals(counted(s, true), ((Number) row[11]).longValue(), where + " resets");
        compared++;
      }
    }
    assertEquals(samples.size(), compared, "every series");
    System.out.printf("TimeSeriesAggregatesTest, %s: %d series as the definitions say%n",
        archive.getFileName(), compared);
  }

  /**
   * approx_percentile is within the t-digest's rank error (at compression 100, a few
   * hundredths of the order) of the exact percentile, for every series of 100 values or more,
   * and so is DuckDB's approx_quantile over the same values.
   */
  @Test
  void approxPercentileIsWithinItsRankError() throws Exception {
    // ten minutes sampled many times a second: thousands of values a series
    Path archive = PcpTools.corpus().resolve("20180416.10.00");
    String series = " FROM metrics WHERE val = val AND metric LIKE 'kernel.all.%'";
    try (Connection pmsql = Sql.connect(archive);
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      int checked = 0;
      Map<String, List<Double>> values = new TreeMap<>();
      try (Statement s = duck.createStatement()) {
        s.execute("CREATE TABLE metrics (metric VARCHAR, inst INTEGER, val DOUBLE)");
      }
      try (DuckDBAppender append =
          duck.unwrap(DuckDBConnection.class).createAppender("metrics")) {
        for (Object[] r : Sql.rows(pmsql, "SELECT metric, inst, val" + series)) {
          values.computeIfAbsent(r[0] + "\u0001" + r[1], k -> new ArrayList<>())
              .add((Double) r[2]);
          append.beginRow();
          append.append((String) r[0]);
          if (r[1] == null) {
            append.appendNull();
          } else {
            append.append((Integer) r[1]);
          }
          append.append((Double) r[2]);
          append.endRow();
        }
      }
      for (double f : new double[] {0.01, 0.25, 0.5, 0.9, 0.99}) {
        String having = " GROUP BY metric, inst HAVING count(*) >= 100";
        List<Object[]> rows = Sql.rows(pmsql, "SELECT metric, inst, approx_percentile(val, "
            + f + ")" + series + having);
        Map<String, Double> duckdb = new TreeMap<>();
        for (Object[] r : Sql.rows(duck, "SELECT metric, inst, approx_quantile(val, " + f
            + ") FROM metrics" + having)) {
          duckdb.put(r[0] + "\u0001" + r[1], ((Number) r[2]).doubleValue());
        }
        assertEquals(duckdb.size(), rows.size(), "series of 100 values or more");
        for (Object[] r : rows) {
          String key = r[0] + "\u0001" + r[1];
          double[] sorted = values.get(key).stream().mapToDouble(Double::doubleValue).sorted()
              .toArray();
          for (double approx : new double[] {(Double) r[2], duckdb.get(key)}) {
            double error = rankError(sorted, f, approx);
            assertTrue(error <= 0.03, r[0] + " inst " + r[1] + ": " + approx + " for " + f
                + " (pmsql " + r[2] + ", DuckDB " + duckdb.get(key) + ") is " + error
                + " of the order away");
          }
          checked++;
        }
      }
      assertTrue(checked >= 20, "series checked: " + checked);
    }
  }

  /** How far from fraction f of the order value v stands among the sorted values. */
  private static double rankError(double[] sorted, double f, double v) {
    double below = (double) Arrays.stream(sorted).filter(x -> x < v).count() / sorted.length;
    double atOrBelow = (double) Arrays.stream(sorted).filter(x -> x <= v).count()
        / sorted.length;
    return f < below ? below - f : f > atOrBelow ? f - atOrBelow : 0;
  }

  /** By hand, the counter aggregates' series: 10 at 0 s, 15 at 1 s, 3 at 2 s, 8 at 3 s. */
  @Test
  void aSmallSeriesByHand() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      Object[] row = Sql.rows(c, "SELECT time_weight_avg(v, t), time_weight_avg(v, t, 'linear'),"
          + " irate(v, t), delta(v, t), changes(v, t), resets(v, t), median(v),"
          + " percentile_disc(0.5) WITHIN GROUP (ORDER BY v) FROM "
          + CounterAggregatesTest.SERIES).get(0);
      assertEquals((10 + 15 + 3) / 3.0, (Double) row[0], 1e-12);
      assertEquals((12.5 + 9 + 5.5) / 3.0, (Double) row[1], 1e-12);
      assertEquals(5.0, (Double) row[2], 1e-12);
      assertEquals(-2.0, (Double) row[3], 1e-12);
      assertEquals(3L, ((Number) row[4]).longValue());
      assertEquals(1L, ((Number) row[5]).longValue());
      assertEquals(9.0, (Double) row[6], 1e-12);
      assertEquals(8.0, (Double) row[7], 1e-12);
      Object[] one = Sql.rows(c, "SELECT time_weight_avg(v, t), deriv(v, t), median(v)"
          + " FROM (VALUES (CAST(1 AS DOUBLE), 0)) AS s(v, t)").get(0);
      assertNull(one[0]);
      assertNull(one[1]);
      assertEquals(1.0, (Double) one[2], 0);
    }
  }

  private record Sample(long ns, double value) {}

  private static Series series(List<Sample> samples) {
    samples.sort((a, b) -> Long.compare(a.ns(), b.ns()));
    long[] t = new long[samples.size()];
    double[] v = new double[samples.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = samples.get(i).ns();
      v[i] = samples.get(i).value();
    }
    return new Series(t, v);
  }

  /** TimescaleDB: the area under the series (steps or lines) over its span. */
  private static double timeWeighted(Series s, boolean linear) {
    double area = 0;
    for (int i = 0; i + 1 < s.n(); i++) {
      double height = linear ? (s.v[i] + s.v[i + 1]) / 2 : s.v[i];
      area += height * s.seconds(i, i + 1);
    }
    return area / s.seconds(0, s.n() - 1);
  }

  /** PromQL: the least-squares line, intercept at {@code at}, {@code ahead} seconds later. */
  private static double predicted(Series s, long at, double ahead) {
    BigDecimal n = BigDecimal.valueOf(s.n());
    BigDecimal sumX = BigDecimal.ZERO;
    BigDecimal sumY = BigDecimal.ZERO;
    BigDecimal sumXy = BigDecimal.ZERO;
    BigDecimal sumXx = BigDecimal.ZERO;
    for (int i = 0; i < s.n(); i++) {
      BigDecimal x = BigDecimal.valueOf(s.t[i] - at).movePointLeft(9);
      BigDecimal y = new BigDecimal(s.v[i]);
      sumX = sumX.add(x);
      sumY = sumY.add(y);
      sumXy = sumXy.add(x.multiply(y));
      sumXx = sumXx.add(x.multiply(x));
    }
    BigDecimal covariance = sumXy.subtract(sumX.multiply(sumY).divide(n, EXACT));
    BigDecimal variance = sumXx.subtract(sumX.multiply(sumX).divide(n, EXACT));
    BigDecimal slope = covariance.divide(variance, EXACT);
    BigDecimal intercept = sumY.subtract(slope.multiply(sumX)).divide(n, EXACT);
    return intercept.add(slope.multiply(BigDecimal.valueOf(ahead))).doubleValue();
  }

  /** PromQL: the last two samples' rate; a fall is a counter restarted from zero. */
  private static Double irate(Series s) {
    int last = s.n() - 1;
    double change = s.v[last] < s.v[last - 1] ? s.v[last] : s.v[last] - s.v[last - 1];
    return change / s.seconds(last - 1, last);
  }

  /** PromQL's extrapolatedRate for a gauge (delta): no clamp at zero, not per second. */
  private static double extrapolatedDelta(Series s, long rangeStart, long rangeEnd) {
    double sampled = s.seconds(0, s.n() - 1);
    double average = sampled / (s.n() - 1);
    double threshold = average * 1.1;
    double toStart = (s.t[0] - rangeStart) / 1e9;
    double toEnd = (rangeEnd - s.t[s.n() - 1]) / 1e9;
    double interval = sampled;
    interval += toStart >= threshold ? average / 2 : toStart;
    interval += toEnd >= threshold ? average / 2 : toEnd;
    return (s.v[s.n() - 1] - s.v[0]) * (interval / sampled);
  }

  private static long counted(Series s, boolean resetsOnly) {
    long n = 0;
    for (int i = 1; i < s.n(); i++) {
      n += (resetsOnly ? s.v[i] < s.v[i - 1] : s.v[i] != s.v[i - 1]) ? 1 : 0;
    }
    return n;
  }

  private static void close(Double want, Object got, String where) {
    if (want == null) {
      assertNull(got, where);
    } else if (want.isNaN() || want.isInfinite()) {
      assertEquals(want, (Double) got, where);
    } else {
      double g = (Double) got;
      assertTrue(Math.abs(want - g) <= TOLERANCE * Math.max(1, Math.max(Math.abs(want),
          Math.abs(g))), where + ": want " + want + ", got " + g);
    }
  }
}
