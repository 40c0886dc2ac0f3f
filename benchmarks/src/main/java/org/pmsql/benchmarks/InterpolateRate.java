package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The pmsql side of benchmarks/run-interpolate-bench: every sample of
 * TABLE(host.interpolate(metric, step)) read through JDBC, best of N passes.
 */
public final class InterpolateRate {
  private InterpolateRate() {}

  public static void main(String[] args) throws Exception {
    String archive = args[0];
    String host = args[1];
    String metric = args[2];
    String step = args[3];
    int passes = Integer.parseInt(args[4]);
    try (Connection c = DriverManager.getConnection("jdbc:pcp:archives=" + archive)) {
      for (int pass = 0; pass < passes; pass++) {
        long start = System.nanoTime();
        long samples = 0;
        double sum = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
            "SELECT val, rate FROM TABLE(\"" + host + "\".interpolate('" + metric + "', "
                + step + "))")) {
          while (rs.next()) {
            sum += rs.getDouble(1);
            samples++;
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("pmsql pass %d: samples=%d sum=%.6g seconds=%.3f samples_per_sec=%.0f%n",
            pass, samples, sum, seconds, samples / seconds);
      }
    }
  }
}
