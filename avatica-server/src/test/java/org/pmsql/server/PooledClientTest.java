package org.pmsql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.pmsql.testsupport.PcpTools;

/**
 * HikariCP in front of pmsql serve, configured as the README says (a test query, because
 * Avatica's isValid() does not ask the server; lifetimes below the server's idle timeout):
 * queries from a busy pool keep working across a server restart, and while the server is
 * down they fail at once instead of hanging.
 */
class PooledClientTest {
  private static final String SAMPLE =
      PcpTools.repositoryRoot().resolve("samples/sample-host").toString();
  private static final String QUERY = "SELECT count(*) FROM vm.metrics";

  @Test
  void aPoolOutlivesAServerRestart() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    PcpServer server = PcpServer.start(PcpServer.Settings.loopback(SAMPLE, port));
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:avatica:remote:url=http://127.0.0.1:" + port
        + ";serialization=protobuf");
    config.setConnectionTestQuery("VALUES 1");
    config.setMaximumPoolSize(4);
    config.setMaxLifetime(30_000);
    config.setIdleTimeout(10_000);
    config.setConnectionTimeout(5_000);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      long expected = count(pool);
      assertEquals(List.of(expected, expected, expected, expected, expected, expected,
          expected, expected), concurrently(pool, 8));

      server.close();
      // the stock Avatica client reports "connection refused" as a RuntimeException
      Exception down = assertTimeoutPreemptively(Duration.ofSeconds(30),
          () -> assertThrows(Exception.class, () -> count(pool)),
          "a query while the server is down fails, it does not hang");
      assertTrue(String.valueOf(down.getMessage()).contains("Connection refused"),
          down.getMessage());

      server = PcpServer.start(PcpServer.Settings.loopback(SAMPLE, port));
      // Hikari checks a connection with the test query when it has rested over 500 ms; the
      // old connections' server side is gone, so each is replaced on its first check
      Thread.sleep(1000);
      assertEquals(List.of(expected, expected, expected, expected, expected, expected,
          expected, expected), concurrently(pool, 8));
    } finally {
      server.close();
    }
  }

  private static List<Long> concurrently(HikariDataSource pool, int queries) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> answers = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        answers.add(clients.submit(() -> count(pool)));
      }
      List<Long> counts = new ArrayList<>();
      for (Future<Long> answer : answers) {
        counts.add(answer.get());
      }
      return counts;
    } finally {
      clients.shutdownNow();
    }
  }

  private static long count(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(QUERY)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
