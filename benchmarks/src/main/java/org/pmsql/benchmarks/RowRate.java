package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/** One query's rows read through a JDBC URL, every column of every row: best rows/s of N. */
final class RowRate {
  private RowRate() {}

  /**
   * {@code inTransaction}: read with auto-commit off, as pgjdbc needs to fetch in batches of
   * the fetch size rather than all at once.
   */
  static double best(String label, String url, String sql, int fetchSize, int passes,
      boolean inTransaction) throws Exception {
    double best = 0;
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(!inTransaction);
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
