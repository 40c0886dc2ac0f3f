package org.pmsql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.PcpTools;
import org.pmsql.archive.Pmlogger;

/**
 * {@code jdbc:pcp:servers=...} over three servers and a dead port: one serves a corpus host,
 * two serve the same host recorded at two times (a host split by time). pcp.hosts is the union
 * with each host's server, the split host answers as the union of its parts (equal to local
 * jdbc:pcp: over both archives), the dead server is listed and does not stop the others, and
 * servers_required=true makes it fail the connection instead.
 */
class FederationTest {
  @TempDir Path dir;

  @Test
  void manyServersAsOne() throws Exception {
    Path early = Pmlogger.record(Files.createDirectories(dir.resolve("early")), "vm", 3, 3);
    Thread.sleep(1500);
    Path late = Pmlogger.record(Files.createDirectories(dir.resolve("late")), "vm", 3, 3);
    String corpus = PcpTools.corpus().resolve("20180102").toString();
    int dead;
    try (ServerSocket free = new ServerSocket(0)) {
      dead = free.getLocalPort();
    }
    try (PcpServer a = PcpServer.start(PcpServer.Settings.loopback(corpus, 0));
        PcpServer b = PcpServer.start(PcpServer.Settings.loopback(early.toString(), 0));
        PcpServer c = PcpServer.start(PcpServer.Settings.loopback(late.toString(), 0))) {
      String servers = url(a) + "," + url(b) + "," + url(c) + ",http://127.0.0.1:" + dead;
      try (Connection fed = DriverManager.getConnection("jdbc:pcp:servers=" + servers);
          Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + early + ","
              + late + "," + corpus)) {
        String localHost = one(local, "SELECT host FROM pcp.hosts WHERE host <> 'bozo'");
        List<String> hosts = rows(fed, "SELECT host, server FROM pcp.hosts ORDER BY server");
        List<String> want = new ArrayList<>(List.of("bozo " + url(a), localHost + " " + url(b),
            localHost + " " + url(c)));
        want.sort(java.util.Comparator.comparing(row -> row.split(" ")[1]));
        assertEquals(want, hosts,
            "errors: " + rows(fed, "SELECT server, error FROM pcp.server_errors"));
        assertEquals(List.of("http://127.0.0.1:" + dead), rows(fed,
            "SELECT server FROM pcp.server_errors"));
        for (String sql : List.of(
            "SELECT count(*), min(val), max(val) FROM \"" + localHost + "\".metrics",
            "SELECT metric, count(*) FROM \"" + localHost + "\".metrics GROUP BY metric"
                + " ORDER BY metric",
            "SELECT count(*), max(val) FROM bozo.metrics WHERE metric = 'kernel.all.load'")) {
          List<String> expected = rows(local, sql);
          assertTrue(!expected.isEmpty() && !expected.get(0).startsWith("0 "),
              sql + " " + expected);
          assertEquals(expected, rows(fed, sql), sql);
        }
        String plan = one(fed, "EXPLAIN PLAN FOR SELECT count(*) FROM bozo.metrics"
            + " WHERE metric = 'kernel.all.load'");
        assertTrue(plan.contains("JdbcToEnumerableConverter") && plan.contains("JdbcFilter"),
            "the filter goes to the server: " + plan);
      }
      SQLException required = assertThrows(SQLException.class, () -> DriverManager
          .getConnection("jdbc:pcp:servers=" + servers + ";servers_required=true"));
      assertTrue(required.getMessage().contains("127.0.0.1:" + dead), required.getMessage());
    }
  }

  private static String url(PcpServer server) {
    return "http://127.0.0.1:" + server.port();
  }

  private static String one(Connection c, String sql) throws SQLException {
    return rows(c, sql).get(0);
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          row.append(i > 1 ? " " : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }
}
