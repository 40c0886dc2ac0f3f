package org.pmsql.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Java side of benchmarks/run-pg-bench: one query's rows read through jdbc:pcp: in this
 * process, through pmsql serve's PostgreSQL protocol with pgjdbc (text and binary results,
 * fetch size 10,000) and with psql as a process; then connection set-up, pgjdbc's and psql's.
 * Best of N passes each, every column of every row read, with the ratio to local.
 */
public final class PgRate {
  private PgRate() {}

  public static void main(String[] args) throws Exception {
    String archives = args[0];
    String host = args[1];
    int port = Integer.parseInt(args[2]);
    String sql = args[3];
    int passes = Integer.parseInt(args[4]);
    String pg = "jdbc:postgresql://" + host + ":" + port + "/pcp?user=bench";
    double local = RowRate.best("local jdbc:pcp:", "jdbc:pcp:archives=" + archives, sql,
        10_000, passes, false);
    double text = RowRate.best("pgjdbc text", pg + "&prepareThreshold=0", sql, 10_000, passes,
        true);
    double binary = RowRate.best("pgjdbc binary", pg + "&prepareThreshold=-1", sql, 10_000,
        passes, true);
    double psql = psql(host, port, sql, passes);
    System.out.printf("%-28s %14s %10s%n", "reader", "rows/s", "x local");
    for (var row : List.of(new Object[] {"local jdbc:pcp:", local},
        new Object[] {"pgjdbc text", text}, new Object[] {"pgjdbc binary", binary},
        new Object[] {"psql (whole process)", psql})) {
      System.out.printf("%-28s %14.0f %10.2f%n", row[0], (double) row[1],
          (double) row[1] / local);
    }
    connectionSetUp(pg, host, port);
  }

  /** psql as a user runs it, its output (aligned off) thrown away: rows over wall time. */
  private static double psql(String host, int port, String sql, int passes) throws Exception {
    double best = 0;
    Path out = Files.createTempFile("pmsql-psql", ".out");
    try {
      for (int pass = 0; pass < passes; pass++) {
        long start = System.nanoTime();
        Process p = new ProcessBuilder("psql", "-X", "-A", "-t", "host=" + host + " port=" + port
            + " dbname=pcp user=bench sslmode=disable", "-c", sql)
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
          throw new IllegalStateException("psql failed: " + Files.readString(out));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long rows;
        try (var lines = Files.lines(out)) {
          rows = lines.count();
        }
        best = Math.max(best, rows / seconds);
        System.out.printf("psql pass %d: rows=%d seconds=%.3f rows_per_sec=%.0f%n", pass, rows,
            seconds, rows / seconds);
      }
    } finally {
      Files.deleteIfExists(out);
    }
    return best;
  }

  private static void connectionSetUp(String pg, String host, int port) throws Exception {
    int n = 50;
    for (int i = 0; i < 5; i++) {
      DriverManager.getConnection(pg).close();
    }
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      try (Connection c = DriverManager.getConnection(pg)) {
        c.isValid(5);
      }
    }
    double pgjdbc = (System.nanoTime() - start) / 1e6 / n;
    start = System.nanoTime();
    for (int i = 0; i < 10; i++) {
      Process p = new ProcessBuilder("psql", "-X", "host=" + host + " port=" + port
          + " dbname=pcp user=bench sslmode=disable", "-c", "SELECT 1")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor();
    }
    double psql = (System.nanoTime() - start) / 1e6 / 10;
    System.out.printf("connection set-up: pgjdbc connect+validate+close %.1f ms;"
        + " psql -c 'SELECT 1' whole process %.1f ms (goal: under 50 ms)%n", pgjdbc, psql);
  }
}
