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
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmlogger;

/**
 * {@code jdbc:pcp:servers=...} over four servers and a dead port: one serves a corpus host;
 * three serve one host recorded by pmlogger at two times, the early part, the late part and
 * both (a host split by time, and a replica). pcp.hosts is the union with each host's server;
 * the split host answers exactly as local jdbc:pcp: over both archives does (each row once,
 * same order under ORDER BY, same latest values); a time predicate keeps the servers whose
 * span it excludes out of the plan; the dead server is listed and does not stop the others,
 * and servers_required=true makes it fail the connection instead. When the early server goes
 * silent mid-session, a query answers from the others within the query timeout and lists it
 * in pcp.server_errors, or, with servers_required=true, fails naming it.
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
        StallingProxy slowB = new StallingProxy(b.port());
        PcpServer c = PcpServer.start(PcpServer.Settings.loopback(late.toString(), 0));
        PcpServer d = PcpServer.start(PcpServer.Settings.loopback(early + "," + late, 0))) {
      String live = url(a) + "," + slowB.url() + "," + url(c) + "," + url(d);
      String servers = live + ",http://127.0.0.1:" + dead;
      try (Connection fed = DriverManager.getConnection("jdbc:pcp:servers=" + servers
              + ";servers_query_timeout=3");
          Connection strict = DriverManager.getConnection("jdbc:pcp:servers=" + live
              + ";servers_query_timeout=3;servers_required=true");
          Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + early + ","
              + late + "," + corpus)) {
        String host = one(local, "SELECT host FROM pcp.hosts WHERE host <> 'bozo'");
        List<String> hosts = rows(fed, "SELECT host, server FROM pcp.hosts ORDER BY server");
        List<String> want = new ArrayList<>(List.of("bozo " + url(a), host + " " + slowB.url(),
            host + " " + url(c), host + " " + url(d)));
        want.sort(Comparator.comparing(row -> row.split(" ")[1]));
        assertEquals(want, hosts,
            "errors: " + rows(fed, "SELECT server, error FROM pcp.server_errors"));
        assertEquals(List.of("http://127.0.0.1:" + dead), rows(fed,
            "SELECT server FROM pcp.server_errors"));
        assertEquals(List.of(url(a) + " servers ok 1", slowB.url() + " servers ok 1",
            url(c) + " servers ok 1", url(d) + " servers ok 1",
            "http://127.0.0.1:" + dead + " servers failed 0"), rows(fed,
            "SELECT server, found_by, state, host_count FROM pcp.servers"));
        String quoted = "\"" + host + "\"";
        long earlyEnd;
        try (Connection earlyOnlyLocal = DriverManager.getConnection("jdbc:pcp:archives="
            + early)) {
          earlyEnd = Long.parseLong(one(earlyOnlyLocal, "SELECT max(ts_ns) FROM metrics"))
              / 1_000_000L;
        }
        String earlyEndAt = "TIMESTAMP '" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC).format(Instant.ofEpochMilli(earlyEnd)) + "'";
        String earlyOnly = " WHERE ts <= " + earlyEndAt;
        for (String sql : List.of(
            "SELECT count(*), min(val), max(val) FROM " + quoted + ".metrics",
            "SELECT metric, count(*) FROM " + quoted + ".metrics GROUP BY metric ORDER BY metric",
            "SELECT ts_ns, metric, inst, val FROM " + quoted + ".metrics"
                + " ORDER BY ts_ns, metric, inst",
            "SELECT count(*) FROM " + quoted + ".metrics" + earlyOnly,
            "SELECT metric, inst, ts_ns, val FROM " + quoted + ".latest ORDER BY metric, inst",
            "SELECT host, count(*) FROM pcp_all.metrics GROUP BY host ORDER BY host",
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
        String grouped = one(fed, "EXPLAIN PLAN FOR SELECT metric, count(*) FROM bozo.metrics"
            + " GROUP BY metric");
        assertTrue(grouped.contains("JdbcAggregate"), "the server aggregates: " + grouped);
        String splitGrouped = one(fed, "EXPLAIN PLAN FOR SELECT metric, count(*), max(val)"
            + " FROM " + quoted + ".metrics GROUP BY metric");
        assertTrue(splitGrouped.indexOf("JdbcAggregate") != splitGrouped.lastIndexOf(
            "JdbcAggregate"), "each server of a split host aggregates its part: " + splitGrouped);
        String ordered = one(fed, "EXPLAIN PLAN FOR SELECT ts, metric, val FROM " + quoted
            + ".metrics ORDER BY ts");
        assertTrue(ordered.contains("EnumerableMergeUnion") && ordered.contains("JdbcSort"),
            "each server sends its part in time order and the parts are merged: " + ordered);
        // parts are numbered in server order: b (early) 1, c (late) 2, d (both) 3
        String routed = one(fed, "EXPLAIN PLAN FOR SELECT count(*) FROM " + quoted
            + ".metrics" + earlyOnly);
        assertTrue(routed.contains(host + ":1") && !routed.contains(host + ":2"),
            "the late server is not asked: " + routed);

        // the early server goes silent: the early segment's rows came from it alone (d, which
        // holds them too, gives only metrics b lacks), the late ones come on from d
        String count = "SELECT count(*) FROM " + quoted + ".metrics";
        assertEquals(rows(local, count), rows(strict, count));
        slowB.goSilent();
        long started = System.nanoTime();
        assertEquals(rows(local, count + " WHERE ts > " + earlyEndAt), rows(fed, count));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30));
        List<String> failures = rows(fed, "SELECT server, error FROM pcp.server_errors");
        assertTrue(failures.stream()
            .anyMatch(row -> row.startsWith(slowB.url() + " rows left out of a query")),
            failures.toString());
        SQLException failed = assertThrows(SQLException.class, () -> rows(strict, count));
        assertTrue(failed.getMessage().contains(slowB.url()), failed.getMessage());
      }
      SQLException required = assertThrows(SQLException.class, () -> DriverManager
          .getConnection("jdbc:pcp:servers=" + url(a) + ",http://127.0.0.1:" + dead
              + ";servers_required=true"));
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
