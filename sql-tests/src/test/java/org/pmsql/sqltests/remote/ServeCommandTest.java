package org.pmsql.sqltests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.ServeProcess;

/**
 * {@code ./pmsql serve} as a user starts it, answered over the Avatica remote protocol and over
 * PostgreSQL's, and taking a request to log a metric from a loopback client.
 */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void servesTheSampleToRemoteJdbc() throws Exception {
    try (ServeProcess server = ServeProcess.start("", "--archives " + Sql.sample()
        + " --log-dir " + dir.resolve("requested"), dir.resolve("serve.out"))) {
      assertTrue(server.banner().contains("127.0.0.1 only"), server.banner());
      String sql = "SELECT instance, count(*) AS n, max(val) AS hi FROM vm.\"kernel.all.load\""
          + " GROUP BY instance ORDER BY instance";
      try (Connection remote = DriverManager.getConnection(server.url());
          Connection local = Sql.connect(Sql.sample())) {
        List<String> want = Sql.rows(local, sql).stream().map(Arrays::toString).toList();
        assertEquals(3, want.size(), want.toString());
        assertEquals(want, Sql.rows(remote, sql).stream().map(Arrays::toString).toList());
        try (Statement s = remote.createStatement()) {
          assertEquals(1, s.executeUpdate("INSERT INTO pcp.log_requests (host, metric,"
              + " interval_ms, duration_s) VALUES ('localhost', 'kernel.all.load', 1000, 60)"));
        }
        assertEquals("[localhost, kernel.all.load, logging, 1000]", Arrays.toString(Sql.rows(
            remote, "SELECT host, metric, state, logged_every_ms FROM pcp.log_requests").get(0)));
      }
    }
    assertEquals(List.of(), PcpTools.run(10, "pgrep", "-f", dir.toString()).output().lines()
        .toList(), "the server's pmlogger ends with it");
  }

  /**
   * A query that must hold 23 M rows (ORDER BY without LIMIT) on a server with a 256 MB heap
   * is cancelled with the reason, and the server goes on answering.
   */
  @Test
  void aQueryTooLargeForTheHeapIsCancelledAndTheServerLives() throws Exception {
    Path large = PcpTools.corpus().resolve("20180416.10.00");
    try (ServeProcess server = ServeProcess.start("-Xmx256m", "--archives " + large
        + " --log-dir " + dir.resolve("requested"), dir.resolve("serve.out"));
        Connection remote = DriverManager.getConnection(server.url())) {
      String host = Sql.host(large);
      SQLException cancelled = assertThrows(SQLException.class, () -> Sql.rows(remote,
          "SELECT ts, metric, instance, val FROM \"" + host + "\".metrics ORDER BY val DESC"));
      assertTrue(cancelled.getMessage().contains("statement cancelled: the server's heap"),
          cancelled.getMessage());
      assertEquals(List.of(host), Sql.rows(remote, "SELECT host FROM pcp.hosts").stream()
          .map(row -> (String) row[0]).toList());
    }
  }

  /**
   * The same server speaking PostgreSQL's protocol (--pg-port), answering pgjdbc as Avatica,
   * taking and withdrawing a request to log a metric, and cancelling a query too large for its
   * heap with the reason.
   */
  @Test
  void servesThePostgresqlProtocolWithLogRequestsAndTheMemoryGuard() throws Exception {
    Path large = PcpTools.corpus().resolve("20180416.10.00");
    int pgPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      pgPort = free.getLocalPort();
    }
    try (ServeProcess server = ServeProcess.start("-Xmx256m", "--archives " + Sql.sample() + ","
        + large + " --log-dir " + dir.resolve("requested") + " --pg-port " + pgPort,
        dir.resolve("serve.out"))) {
      assertTrue(server.banner().contains("PostgreSQL protocol on port " + pgPort),
          server.banner());
      String sql = "SELECT instance, count(*) AS n, max(val) AS hi FROM vm.\"kernel.all.load\""
          + " GROUP BY instance ORDER BY instance";
      try (Connection pg = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort
          + "/pcp?user=" + System.getProperty("user.name"));
          Connection local = Sql.connect(Sql.sample())) {
        assertEquals(Sql.rows(local, sql).stream().map(Arrays::toString).toList(),
            Sql.rows(pg, sql).stream().map(Arrays::toString).toList());
        try (Statement s = pg.createStatement()) {
          assertEquals(1, s.executeUpdate("INSERT INTO pcp.log_requests (host, metric,"
              + " interval_ms, duration_s) VALUES ('localhost', 'kernel.all.load', 1000, 60)"));
        }
        assertEquals("[localhost, kernel.all.load, logging, 1000]", Arrays.toString(Sql.rows(
            pg, "SELECT host, metric, state, logged_every_ms FROM pcp.log_requests").get(0)));
        try (Statement s = pg.createStatement()) {
          assertEquals(1, s.executeUpdate("DELETE FROM pcp.log_requests WHERE metric ="
              + " 'kernel.all.load'"));
        }
        String host = Sql.host(large);
        SQLException cancelled = assertThrows(SQLException.class, () -> Sql.rows(pg,
            "SELECT ts, metric, instance, val FROM \"" + host + "\".metrics ORDER BY val DESC"));
        assertTrue(cancelled.getMessage().contains("statement cancelled: the server's heap"),
            cancelled.getMessage());
        assertEquals(List.of(host, "vm"), Sql.rows(pg, "SELECT host FROM pcp.hosts ORDER BY 1")
            .stream().map(row -> (String) row[0]).toList());
      }
    }
  }
}
