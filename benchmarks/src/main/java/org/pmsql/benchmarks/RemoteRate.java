package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The Java side of benchmarks/run-remote-bench: one query's rows read through jdbc:pcp: in
 * this process, then through pmsql serve (Avatica protobuf over loopback HTTP) at two fetch
 * sizes, best of N passes each, with the remote/local ratio. Every column of every row is read.
 */
public final class RemoteRate {
  private RemoteRate() {}

  public static void main(String[] args) throws Exception {
    String archives = args[0];
    String remoteUrl = args[1];
    String sql = args[2];
    int passes = Integer.parseInt(args[3]);
    double local = best("local jdbc:pcp:", "jdbc:pcp:archives=" + archives, sql, 100, passes);
    for (int fetchSize : new int[] {100, 10_000}) {
      double remote = best("remote fetch size " + fetchSize, remoteUrl, sql, fetchSize, passes);
      System.out.printf("remote/local rows per second at fetch size %d: %.2f%n", fetchSize,
          remote / local);
    }
  }

  private static double best(String label, String url, String sql, int fetchSize, int passes)
      throws Exception {
    double best = 0;
    try (Connection c = DriverManager.getConnection(url)) {
      for (int pass = 0; pass < passes; pass++) {
        long start = System.nanoTime();
        long rows = 0;
        long checksum = 0;
        try (Statement s = c.createStatement()) {
          s.setFetchSize(fetchSize);
          try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
              for (int i = 1; i <= columns; i++) {
                checksum += String.valueOf(rs.getObject(i)).length();
              }
              rows++;
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        best = Math.max(best, rows / seconds);
        System.out.printf("%s pass %d: rows=%d seconds=%.3f rows_per_sec=%.0f checksum=%d%n",
            label, pass, rows, seconds, rows / seconds, checksum);
      }
    }
    return best;
  }
}
