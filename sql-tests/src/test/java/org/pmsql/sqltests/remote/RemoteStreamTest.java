package org.pmsql.sqltests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.server.PcpServer;
import org.pmsql.serving.Limits;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.Pmlogger;

/**
 * Remote SELECT STREAM through pmsql serve over archives a real pmlogger is writing: rows reach
 * a stock Avatica client about as soon as they are logged, with the values local jdbc:pcp:
 * reads; a client that closes its result, or stops fetching, ends the stream on the server;
 * and a stream the server ended is reported, never silently run again.
 */
class RemoteStreamTest {
  private static final String METRIC = "kernel.all.load";
  private static final int IDLE_SECONDS = 2;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;
  private Process logger;
  private PcpServer server;
  private String host;

  @BeforeEach
  void startLoggerAndServer() throws Exception {
    logger = Pmlogger.start(dir, "remote", 3, 0, 100);
    host = Pmlogger.awaitRecords(dir.resolve("remote"), 2);
    server = PcpServer.start(new PcpServer.Settings(dir.toString(), 0, null, false, null,
        Limits.DEFAULT.withIdleTimeoutSeconds(IDLE_SECONDS), null));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    logger.destroy();
    logger.waitFor(20, TimeUnit.SECONDS);
  }

  private Connection remote(String serialization) throws SQLException {
    return DriverManager.getConnection("jdbc:avatica:remote:url=http://127.0.0.1:"
        + server.port() + ";serialization=" + serialization);
  }

  private String stream(String columns) {
    return "SELECT STREAM " + columns + " FROM \"" + host + "\".live WHERE metric = '" + METRIC
        + "'";
  }

  /**
   * pmlogger logs once a second; stock Avatica would send nothing until a frame of 100 rows
   * were full (33 s here). Each row must arrive within 3 s of its timestamp, over both wire
   * formats, and hold what local jdbc:pcp: reads for that time afterwards.
   */
  @Test
  void rowsArriveAsTheyAreLoggedWithLocalValues() throws Exception {
    for (String serialization : List.of("protobuf", "json")) {
      List<String> rows = new ArrayList<>();
      List<Long> lagMillis = new ArrayList<>();
      try (Connection c = remote(serialization); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(stream("ts_ns, instance, val"))) {
        while (rows.size() < 12 && rs.next()) {
          long tsNanos = rs.getLong(1);
          lagMillis.add(System.currentTimeMillis() - tsNanos / 1_000_000);
          rows.add(tsNanos + " " + rs.getString(2) + " " + rs.getDouble(3));
        }
      }
      long first = Long.parseLong(rows.get(0).split(" ")[0]);
      long last = Long.parseLong(rows.get(rows.size() - 1).split(" ")[0]);
      List<String> local = new ArrayList<>();
      try (Connection c = Sql.connect(dir)) {
        for (Object[] row : Sql.rows(c, "SELECT ts_ns, instance, val FROM \"" + host
            + "\".metrics WHERE metric = '" + METRIC + "' AND ts_ns BETWEEN " + first
            + " AND " + last + " ORDER BY ts_ns, inst")) {
          local.add(row[0] + " " + row[1] + " " + ((Number) row[2]).doubleValue());
        }
      }
      assertEquals(local, rows, serialization);
      List<Long> sorted = new ArrayList<>(lagMillis);
      Collections.sort(sorted);
      System.out.printf("remote stream (%s): %d rows, lag from timestamp p50 %d ms, max %d ms%n",
          serialization, rows.size(), sorted.get(sorted.size() / 2),
          sorted.get(sorted.size() - 1));
      assertTrue(sorted.get(sorted.size() - 1) < 3000, "lags " + lagMillis);
    }
  }

  @Test
  void closingTheResultEndsTheServerStream() throws Exception {
    try (Connection c = remote("protobuf"); Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery(stream("val"));
      assertTrue(rs.next());
      assertEquals(1, streamThreads());
      rs.close();
      assertEquals(0, awaitStreamThreads(0, 5));
    }
  }

  @Test
  void aStreamNotFetchedIsEndedAndNotRestarted() throws Exception {
    try (Connection c = remote("protobuf"); Statement s = c.createStatement()) {
      s.setFetchSize(1);
      ResultSet rs = s.executeQuery(stream("ts_ns, instance"));
      Set<String> seen = new HashSet<>();
      assertTrue(rs.next());
      seen.add(rs.getLong(1) + " " + rs.getString(2));
      assertEquals(0, awaitStreamThreads(0, IDLE_SECONDS + 5), "idle stream ended on server");
      // the stock Avatica client raises a server error met while fetching as a runtime exception
      RuntimeException ended = assertThrows(RuntimeException.class, () -> {
        for (int i = 0; i < 1000; i++) {
          assertTrue(rs.next());
          assertTrue(seen.add(rs.getLong(1) + " " + rs.getString(2)),
              "a row was sent again: the stream was restarted");
        }
      });
      assertTrue(ended.getMessage().contains("the server ended this stream"),
          ended.getMessage());
      assertEquals(0, streamThreads(), "no stream started again");
      // the connection itself is still good
      try (Statement again = c.createStatement();
          ResultSet one = again.executeQuery(stream("val"))) {
        assertTrue(one.next());
      }
    }
  }

  /** Server streams run in this JVM: each holds one reader thread while it is open. */
  private static int streamThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("pmsql-stream-") && t.isAlive()).count();
  }

  private static int awaitStreamThreads(int want, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (streamThreads() != want && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    return streamThreads();
  }
}
