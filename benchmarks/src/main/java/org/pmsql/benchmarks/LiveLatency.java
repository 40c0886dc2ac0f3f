package org.pmsql.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The pmsql side of benchmarks/run-live-bench: a {@code SELECT STREAM} at the live edge of an
 * archive a pmlogger is writing, through the jdbc:pcp: driver, for SECONDS; prints how long
 * after its timestamp each record's first row reached the JDBC client (p50, p99, max), then,
 * once the logger has stopped, the CPU the process spends while the stream waits for data
 * that does not come.
 *
 * <p>Usage: LiveLatency DIRECTORY HOST METRIC SECONDS IDLE_SECONDS STOP_FILE — the script
 * stops the logger when STOP_FILE appears.
 */
public final class LiveLatency {
  private LiveLatency() {}

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    String host = args[1];
    String metric = args[2];
    double seconds = Double.parseDouble(args[3]);
    double idleSeconds = Double.parseDouble(args[4]);
    java.nio.file.Path stopFile = java.nio.file.Path.of(args[5]);
    Properties props = new Properties();
    props.setProperty("archives", dir);
    List<Double> lagMillis = new ArrayList<>();
    OperatingSystemMXBean os =
        (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Connection c = DriverManager.getConnection("jdbc:pcp:", props);
        Statement s = c.createStatement()) {
      Thread reader = new Thread(() -> {
        try (ResultSet rs = s.executeQuery("SELECT STREAM ts_ns FROM \"" + host + "\".\"live:"
            + metric + "\"")) {
          long lastTs = Long.MIN_VALUE;
          while (rs.next()) {
            long ts = rs.getLong(1);
            if (ts != lastTs) {
              long nowNanos = System.currentTimeMillis() * 1_000_000L
                  + System.nanoTime() % 1_000_000L;
              synchronized (lagMillis) {
                lagMillis.add((nowNanos - ts) / 1e6);
              }
              lastTs = ts;
            }
          }
        } catch (Exception ended) {
          // cancelled at the end of the run
        }
      }, "stream");
      reader.start();
      Thread.sleep((long) (seconds * 1000));
      java.nio.file.Files.createFile(stopFile);
      Thread.sleep(2000);
      long cpu0 = os.getProcessCpuTime();
      long wall0 = System.nanoTime();
      Thread.sleep((long) (idleSeconds * 1000));
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      double wall = (System.nanoTime() - wall0) / 1e9;
      s.cancel();
      reader.join(5000);
      List<Double> sorted;
      synchronized (lagMillis) {
        sorted = new ArrayList<>(lagMillis);
      }
      Collections.sort(sorted);
      System.out.printf("pmsql  records=%d lag_ms p50=%.1f p99=%.1f max=%.1f"
          + "  idle_cpu=%.3f s in %.1f s (%.2f%% of a core)%n", sorted.size(),
          percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1),
          cpu, wall, 100 * cpu / wall);
    }
  }

  static double percentile(List<Double> sorted, int p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }
}
