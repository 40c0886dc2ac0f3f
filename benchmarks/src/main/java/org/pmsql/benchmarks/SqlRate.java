package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;

/**
 * The SQL side of benchmarks/run-decode-bench: {@code SELECT count(*), sum(val)} over a whole
 * archive through the jdbc:pcp: driver (the first pass includes Calcite's planning and code
 * generation), then the same over one minute in the middle of it, to show what the temporal
 * index saves.
 */
public final class SqlRate {
  private SqlRate() {}

  public static void main(String[] args) throws Exception {
    String archive = args[0];
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (Connection c = HostSpan.connect(archive)) {
      HostSpan span = HostSpan.of(c);
      long first = span.firstMillis();
      long last = span.lastMillis();
      String table = span.metrics();
      double best = Double.MAX_VALUE;
      for (int pass = 0; pass < passes; pass++) {
        long start = System.nanoTime();
        long values;
        double sum;
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*), sum(val) FROM " + table)) {
          rs.next();
          values = rs.getLong(1);
          sum = rs.getDouble(2);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        best = Math.min(best, seconds);
        System.out.printf("sql%s values=%d sum=%.17g seconds=%.6f values_per_sec=%.0f%n",
            pass == 0 ? "(first query)" : "", values, sum, seconds, values / seconds);
      }
      // The minute from the first value at or after the middle: copies may leave gaps.
      long mid = first + (last - first) / 2;
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
          "SELECT min(ts) FROM " + table + " WHERE ts >= TIMESTAMP '"
              + new Timestamp(mid).toInstant().toString().replace('T', ' ').replace("Z", "")
              + "'")) {
        rs.next();
        mid = rs.getTimestamp(1).getTime();
      }
      double window = Double.MAX_VALUE;
      long rows = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT count(*), sum(val) FROM " + table + " WHERE ts >= ? AND ts < ?")) {
        for (int pass = 0; pass < passes; pass++) {
          ps.setTimestamp(1, new Timestamp(mid));
          ps.setTimestamp(2, new Timestamp(mid + 60_000L));
          long start = System.nanoTime();
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            rows = rs.getLong(1);
          }
          window = Math.min(window, (System.nanoTime() - start) / 1e9);
        }
      }
      System.out.printf("sql one-minute window: values=%d seconds=%.6f = %.3f%% of a full scan"
          + " (%.1f days of data)%n", rows, window, 100 * window / best,
          (last - first) / 86_400_000.0);
    }
  }
}
