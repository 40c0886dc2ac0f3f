package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The two sides of benchmarks/run-percentile-bench in one run: per series (metric and
 * instance) of an archive, an exact percentile, an approximate one and a time-weighted
 * average, by pmsql straight from the archive's files, and by DuckDB after loading the same
 * values into memory (its load timed apart). Prints values per second of each and the ratio.
 */
public final class PercentileRate {
  private static final String PMSQL_QUERY = "SELECT metric, inst,"
      + " percentile_cont(0.9) WITHIN GROUP (ORDER BY val), approx_percentile(val, 0.9),"
      + " time_weight_avg(val, ts_ns) FROM %s WHERE val = val GROUP BY metric, inst";
  private static final String DUCKDB_QUERY = "SELECT metric, inst,"
      + " percentile_cont(0.9) WITHIN GROUP (ORDER BY val), approx_quantile(val, 0.9),"
      + " sum(val * dt) / sum(dt) FROM (SELECT metric, inst, val,"
      + " lead(ts_ns) OVER (PARTITION BY metric, inst ORDER BY ts_ns) - ts_ns AS dt"
      + " FROM metrics WHERE val = val) WHERE dt IS NOT NULL GROUP BY metric, inst";

  private PercentileRate() {}

  public static void main(String[] args) throws Exception {
    String archive = args[0];
    int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Properties props = new Properties();
    props.setProperty("archives", archive);
    try (Connection pmsql = DriverManager.getConnection("jdbc:pcp:", props);
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      String table;
      try (Statement s = pmsql.createStatement();
          ResultSet rs = s.executeQuery("SELECT host FROM pcp.hosts")) {
        rs.next();
        table = "\"" + rs.getString(1) + "\".metrics";
      }
      long start = System.nanoTime();
      long values = load(pmsql, table, duck);
      System.out.printf("duckdb load values=%d seconds=%.3f%n", values,
          (System.nanoTime() - start) / 1e9);
      double bestPmsql = Double.MAX_VALUE;
      double bestDuck = Double.MAX_VALUE;
      for (int pass = 1; pass <= passes; pass++) {
        double p = seconds(pmsql, String.format(PMSQL_QUERY, table));
        double d = seconds(duck, DUCKDB_QUERY);
        bestPmsql = Math.min(bestPmsql, p);
        bestDuck = Math.min(bestDuck, d);
        System.out.printf("pass %d: pmsql seconds=%.3f values_per_sec=%.0f; duckdb seconds=%.3f"
            + " values_per_sec=%.0f%n", pass, p, values / p, d, values / d);
      }
      System.out.printf("best: pmsql %.0f values/s (from the archive), duckdb %.0f values/s"
          + " (in memory, after its load), pmsql/duckdb %.2f%n", values / bestPmsql,
          values / bestDuck, bestDuck / bestPmsql);
    }
  }

  private static long load(Connection pmsql, String table, Connection duck) throws Exception {
    try (Statement s = duck.createStatement()) {
      s.execute("CREATE TABLE metrics (ts_ns BIGINT, metric VARCHAR, inst INTEGER, val DOUBLE)");
    }
    long values = 0;
    try (DuckDBAppender append = duck.unwrap(DuckDBConnection.class).createAppender("metrics");
        Statement s = pmsql.createStatement();
        ResultSet rs = s.executeQuery("SELECT ts_ns, metric, inst, val FROM " + table
            + " WHERE val = val")) {
      while (rs.next()) {
        append.beginRow();
        append.append(rs.getLong(1));
        append.append(rs.getString(2));
        int inst = rs.getInt(3);
        if (rs.wasNull()) {
          append.appendNull();
        } else {
          append.append(inst);
        }
        append.append(rs.getDouble(4));
        append.endRow();
        values++;
      }
    }
    return values;
  }

  private static double seconds(Connection c, String sql) throws Exception {
    long start = System.nanoTime();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        rs.getDouble(3);
      }
    }
    return (System.nanoTime() - start) / 1e9;
  }
}
