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
 * Load on {@code ./pmsql serve} (loopback, eight users, default limits, 512 MB heap): 32 Avatica
 * clients and 32 PostgreSQL-protocol clients (pgjdbc) at once for 60 s (-Dpmsql.loadSeconds);
 * of each 32, 24 loop over history queries on two corpus archives (time windows of a large
 * one, whole scans of a small one, per-minute rates, the catalog) and 8 hold live streams on an
 * archive a real pmlogger writes. No client may see an error, every stream must keep
 * delivering; query latency per protocol, stream lag and the server's heap are reported.
 */
class RemoteLoadTest {
  private static final int SECONDS = Integer.getInteger("pmsql.loadSeconds", 60);
  private static final int HISTORY_CLIENTS = 24;
  private static final int STREAM_CLIENTS = 8;
  private static final int USERS = 8;
  private static final List<String> PROTOCOLS = List.of("avatica", "pg");

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
    StringBuilder userLines = new StringBuilder();
    for (int u = 0; u < USERS; u++) {
      userLines.append("u").append(u).append(": p").append(u).append('\n');
    }
    Files.writeString(users, userLines);
    int pgPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      pgPort = free.getLocalPort();
    }
    try (ServeProcess server = ServeProcess.start("-Xmx512m", "--archives " + corpusA + ","
        + corpusB + "," + live + " --users " + users + " --log-dir " + dir.resolve("req")
        + " --pg-port " + pgPort, dir.resolve("serve.out"))) {
      String liveHost = Pmlogger.awaitRecords(live.resolve("load"), 2);
      String stream = "SELECT STREAM ts_ns, instance, val FROM \"" + liveHost + "\".live"
          + " WHERE metric = 'kernel.all.load'";
      ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
      java.util.Map<String, ConcurrentLinkedQueue<Long>> byProtocol = new java.util.HashMap<>();
      PROTOCOLS.forEach(p -> byProtocol.put(p, new ConcurrentLinkedQueue<>()));
      List<ConcurrentLinkedQueue<Long>> byQuery = new ArrayList<>();
      history.forEach(q -> byQuery.add(new ConcurrentLinkedQueue<>()));
      ConcurrentLinkedQueue<Long> lags = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
      AtomicLong streamed = new AtomicLong();
      AtomicLong maxHeap = new AtomicLong();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
      List<Thread> clients = new ArrayList<>();
      int perProtocol = HISTORY_CLIENTS + STREAM_CLIENTS;
      for (int i = 0; i < PROTOCOLS.size() * perProtocol; i++) {
        String protocol = PROTOCOLS.get(i / perProtocol);
        int user = i % USERS;
        String url = protocol.equals("pg")
            ? "jdbc:postgresql://127.0.0.1:" + pgPort + "/pcp?user=u" + user + "&password=p"
                + user
            : server.url() + ";authentication=BASIC;avatica_user=u" + user
                + ";avatica_password=p" + user;
        boolean streaming = i % perProtocol >= HISTORY_CLIENTS;
        int first = i;
        clients.add(new Thread(() -> {
          try (Connection c = DriverManager.getConnection(url)) {
            if (streaming) {
              follow(c, stream, end, lags, streamed, protocol.equals("pg"));
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
                byProtocol.get(protocol).add(millis);
                byQuery.get(q % history.size()).add(millis);
              }
            }
          } catch (Exception e) {
            errors.add(Thread.currentThread().getName() + ": " + e);
          }
        }, protocol + (streaming ? "-stream-" : "-history-") + i));
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
      System.out.printf("load: %d clients, %d s: %d history queries, latency p50 %d ms,"
          + " p99 %d ms; %d streamed rows, lag p50 %d ms, p99 %d ms; server heap max %d MB;"
          + " %d errors%n", clients.size(), SECONDS, latencies.size(),
          percentile(latencies, 50), percentile(latencies, 99), streamed.get(),
          percentile(lags, 50), percentile(lags, 99), maxHeap.get() >> 20, errors.size());
      for (String protocol : PROTOCOLS) {
        System.out.printf("  %s: %d history queries, p50 %d ms, p99 %d ms%n", protocol,
            byProtocol.get(protocol).size(), percentile(byProtocol.get(protocol), 50),
            percentile(byProtocol.get(protocol), 99));
      }
      for (int q = 0; q < history.size(); q++) {
        System.out.printf("  query %d: %d runs, p50 %d ms, p99 %d ms: %s%n", q,
            byQuery.get(q).size(), percentile(byQuery.get(q), 50),
            percentile(byQuery.get(q), 99), history.get(q));
      }
      assertEquals(0, errors.size(), () -> errors.size() + " errors, the first: "
          + errors.stream().limit(3).map(e -> e.substring(0, Math.min(e.length(), 400))).toList());
      for (String protocol : PROTOCOLS) {
        assertTrue(byProtocol.get(protocol).size() > HISTORY_CLIENTS,
            protocol + ": every history client got answers");
      }
      assertTrue(streamed.get() >= PROTOCOLS.size() * STREAM_CLIENTS * 3L * (SECONDS / 2),
          "streams kept delivering: " + streamed.get() + " rows");
    } finally {
      logger.destroy();
      logger.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /**
   * Reads the stream until {@code end}; then the statement is closed under the reader. pgjdbc
   * reads rows as they come only through a portal: in a transaction, with a fetch size.
   */
  private static void follow(Connection c, String stream, long end,
      ConcurrentLinkedQueue<Long> lags, AtomicLong streamed, boolean pgjdbc) throws Exception {
    if (pgjdbc) {
      c.setAutoCommit(false);
    }
    try (Statement s = c.createStatement()) {
      s.setFetchSize(pgjdbc ? 10 : 0);
      readUntil(s.executeQuery(stream), end, lags, streamed);
    }
  }

  private static void readUntil(ResultSet results, long end, ConcurrentLinkedQueue<Long> lags,
      AtomicLong streamed) throws Exception {
    try (ResultSet rs = results) {
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
