package org.pmsql.sqltests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.Archive;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmlogger;
import org.pmsql.testsupport.ServeProcess;

/**
 * Load on {@code ./pmsql serve} (loopback, four users, default limits, 1 GB heap): 32 clients
 * for 60 s (-Dpmsql.loadSeconds), 24 looping over history queries on two corpus archives (time
 * windows of a large one, whole scans of a small one, per-minute rates, the catalog) and 8
 * holding live streams on an archive a real pmlogger writes. No client may see an error, every
 * stream must keep delivering; query latency, stream lag and the server's heap are reported.
 */
class RemoteLoadTest {
  private static final int SECONDS = Integer.getInteger("pmsql.loadSeconds", 60);
  private static final int HISTORY_CLIENTS = 24;
  private static final int STREAM_CLIENTS = 8;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void thirtyTwoClientsMixingHistoryAndStreams() throws Exception {
    // a 23 M value archive, queried by time windows, and a 0.4 M value one, queried whole
    Path corpusA = PcpTools.corpus().resolve("20180416.10.00");
    Path corpusB = PcpTools.corpus().resolve("20180102");
    Archive a = Archive.open(corpusA);
    String hostA = "\"" + a.hostname() + "\"";
    String hostB = "\"" + Archive.open(corpusB).hostname() + "\"";
    String hourIn = timestamp(a.startNanos() + TimeUnit.MINUTES.toNanos(60));
    String minuteLater = timestamp(a.startNanos() + TimeUnit.MINUTES.toNanos(61));
    String tenMinutesLater = timestamp(a.startNanos() + TimeUnit.MINUTES.toNanos(70));
    List<String> history = List.of(
        "SELECT metric, count(*) AS n, avg(val) AS mean FROM " + hostB + ".metrics"
            + " GROUP BY metric",
        "SELECT metric, count(*) AS n, max(rate) AS peak FROM " + hostA + ".metrics"
            + " WHERE ts BETWEEN " + hourIn + " AND " + minuteLater + " GROUP BY metric",
        "SELECT ts, instance, val, rate FROM " + hostA + ".\"kernel.all.load\" WHERE ts >= "
            + hourIn + " AND ts < " + tenMinutesLater + " ORDER BY ts, instance",
        "SELECT FLOOR(ts TO MINUTE) AS m, metric, max(rate) AS peak FROM " + hostB + ".metrics"
            + " WHERE metric LIKE 'kernel.%' GROUP BY FLOOR(ts TO MINUTE), metric",
        "SELECT host, first_ts, last_ts, archive_count FROM pcp.hosts");
    Path live = Files.createDirectories(dir.resolve("live"));
    Process logger = Pmlogger.start(live, "load", 3, 0, 100);
    Path users = dir.resolve("users");
    Files.writeString(users, "u0: p0\nu1: p1\nu2: p2\nu3: p3\n");
    try (ServeProcess server = ServeProcess.start("-Xmx512m", "--archives " + corpusA + ","
        + corpusB + "," + live + " --users " + users + " --log-dir " + dir.resolve("req"),
        dir.resolve("serve.out"))) {
      String liveHost = Pmlogger.awaitRecords(live.resolve("load"), 2);
      String stream = "SELECT STREAM ts_ns, instance, val FROM \"" + liveHost + "\".live"
          + " WHERE metric = 'kernel.all.load'";
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      List<ConcurrentLinkedQueue<Long>> byQuery = new ArrayList<>();
      history.forEach(q -> byQuery.add(new ConcurrentLinkedQueue<>()));
      ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
      AtomicLong streamed = new AtomicLong();
      AtomicLong maxHeap = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      List<Thread> clients = new ArrayList<>();
      for (int i = 0; i < HISTORY_CLIENTS + STREAM_CLIENTS; i++) {
        String url = server.url() + ";authentication=BASIC"
            + ";avatica_user=u" + i % 4 + ";avatica_password=p" + i % 4;
        boolean streaming = i >= HISTORY_CLIENTS;
        int first = i;
        clients.add(new Thread(() -> {
          try (Connection c = DriverManager.getConnection(url)) {
            if (streaming) {
              follow(c, stream, end, lags, streamed);
            } else {
              for (int q = first; System.nanoTime() < end; q++) {
                long started = System.nanoTime();
                try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(history.get(q % history.size()))) {
                  while (rs.next()) {
                    continue;
                  }
                }
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                latencies.add(millis);
                byQuery.get(q % history.size()).add(millis);
              }
            }
          } catch (Exception e) {
            errors.add(Thread.currentThread().getName() + ": " + e);
          }
        }, (streaming ? "stream-" : "history-") + i));
      }
      clients.forEach(Thread::start);
      try (Connection status = DriverManager.getConnection(server.url()
          + ";authentication=BASIC;avatica_user=u0;avatica_password=p0")) {
        while (System.nanoTime() < end) {
          for (Object[] row : Sql.rows(status,
              "SELECT heap_used_bytes FROM pcp.server_status")) {
            maxHeap.accumulateAndGet(((Number) row[0]).longValue(), Math::max);
          }
          Thread.sleep(1000);
        }
      }
      for (Thread client : clients) {
        client.join(TimeUnit.SECONDS.toMillis(60));
      }
      System.out.printf("load: 32 clients, %d s: %d history queries, latency p50 %d ms,"
          + " p99 %d ms; %d streamed rows, lag p50 %d ms, p99 %d ms; server heap max %d MB;"
          + " %d errors%n", SECONDS, latencies.size(), percentile(latencies, 50),
          percentile(latencies, 99), streamed.get(), percentile(lags, 50), percentile(lags, 99),
          maxHeap.get() >> 20, errors.size());
      for (int q = 0; q < history.size(); q++) {
        System.out.printf("  query %d: %d runs, p50 %d ms, p99 %d ms: %s%n", q,
            byQuery.get(q).size(), percentile(byQuery.get(q), 50),
            percentile(byQuery.get(q), 99), history.get(q));
      }
      assertEquals(0, errors.size(), () -> errors.size() + " errors, the first: "
          + errors.stream().limit(3).map(e -> e.substring(0, Math.min(e.length(), 400))).toList());
      assertTrue(latencies.size() > HISTORY_CLIENTS, "every history client got answers");
      assertTrue(streamed.get() >= STREAM_CLIENTS * 3L * (SECONDS / 2),
          "streams kept delivering: " + streamed.get() + " rows");
    } finally {
      logger.destroy();
      logger.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /** Reads the stream until {@code end}; then the statement is closed under the reader. */
  private static void follow(Connection c, String stream, long end,
      ConcurrentLinkedQueue<Long> lags, AtomicLong streamed) throws Exception {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(stream)) {
      while (System.nanoTime() < end && rs.next()) {
        lags.add(System.currentTimeMillis() - rs.getLong(1) / 1_000_000);
        streamed.incrementAndGet();
      }
    }
  }

  private static String timestamp(long nanos) {
    return "TIMESTAMP '" + java.time.LocalDateTime.ofEpochSecond(nanos / 1_000_000_000L, 0,
        java.time.ZoneOffset.UTC).toString().replace('T', ' ') + "'";
  }

  private static long percentile(ConcurrentLinkedQueue<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    if (sorted.isEmpty()) {
      return -1;
    }
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }
}
