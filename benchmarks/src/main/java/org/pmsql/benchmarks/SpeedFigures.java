package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.Arrays;

/**
 * The in-process figures of benchmarks/run-speed-table over one host's archive: a full scan
 * (best of 3), a one-minute window in its middle warm (median of 20 after 5, as a plain
 * statement that is planned each time and as a prepared one), and a one-metric 5-minute-bucket
 * query over its whole span warm (median of 5 after 2). Prints one {@code name=value} line per
 * figure, in milliseconds.
 */
public final class SpeedFigures {
  private SpeedFigures() {}

  public static void main(String[] args) throws Exception {
    String archive = args[0];
    String metric = args[1];
    try (Connection c = HostSpan.connect(archive)) {
      HostSpan span = HostSpan.of(c);
      long first = span.firstMillis();
      long last = span.lastMillis();
      String table = span.metrics();
      double full = Double.MAX_VALUE;
      for (int pass = 0; pass < 3; pass++) {
        full = Math.min(full, millis(c, "SELECT count(*), sum(val) FROM " + table));
      }
      long mid = first + (last - first) / 2;
      String window = "SELECT metric, count(*), avg(val) FROM " + table + " WHERE ts >= "
          + literal(mid) + " AND ts < " + literal(mid + 60_000L) + " GROUP BY metric";
      double[] plain = new double[25];
      for (int i = 0; i < plain.length; i++) {
        plain[i] = millis(c, window);
      }
      double[] prepared = new double[25];
      try (PreparedStatement ps = c.prepareStatement("SELECT metric, count(*), avg(val) FROM "
          + table + " WHERE ts >= ? AND ts < ? GROUP BY metric")) {
        for (int i = 0; i < prepared.length; i++) {
          ps.setTimestamp(1, new Timestamp(mid));
          ps.setTimestamp(2, new Timestamp(mid + 60_000L));
          long start = System.nanoTime();
          drain(ps.executeQuery());
          prepared[i] = (System.nanoTime() - start) / 1e6;
        }
      }
      String buckets = "SELECT time_bucket(INTERVAL '5' MINUTE, ts) AS b, avg(rate) FROM "
          + table + " WHERE metric = '" + metric + "' GROUP BY time_bucket(INTERVAL '5' MINUTE,"
          + " ts)";
      double[] bucketed = new double[7];
      for (int i = 0; i < bucketed.length; i++) {
        bucketed[i] = millis(c, buckets);
      }
      System.out.printf("days=%.1f%n", (last - first) / 86_400_000.0);
      System.out.printf("full_scan_ms=%.1f%n", full);
      System.out.printf("window_plain_ms=%.1f%n", median(plain, 5));
      System.out.printf("window_prepared_ms=%.2f%n", median(prepared, 5));
      System.out.printf("buckets_ms=%.1f%n", median(bucketed, 2));
    }
  }

  private static double millis(Connection c, String sql) throws Exception {
    long start = System.nanoTime();
    try (Statement s = c.createStatement()) {
      drain(s.executeQuery(sql));
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static void drain(ResultSet results) throws Exception {
    try (ResultSet rs = results) {
      while (rs.next()) {
        rs.getObject(1);
      }
    }
  }

  private static String literal(long millis) {
    return "TIMESTAMP '" + new Timestamp(millis).toInstant().toString().replace('T', ' ')
        .replace("Z", "") + "'";
  }

  private static double median(double[] samples, int skip) {
    double[] warm = Arrays.copyOfRange(samples, skip, samples.length);
    Arrays.sort(warm);
    return warm[warm.length / 2];
  }
}
