package org.pmsql.sqltests.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.server.PcpServer;
import org.pmsql.serving.Limits;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * pcp.log_requests on a server with users, against the real pmcd: requests from two users for
 * one metric merge (shortest interval while both last), expire one after the other, and the
 * server's own pmlogger writes what they asked for into an archive it serves, which SQL then
 * reads as libpcp does. Bad requests fail the INSERT with the reason.
 */
class LogRequestsTest {
  private static final String METRIC = "kernel.all.load";

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void requestsMergeExpireAndTheirDataIsServed() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "alice: a,log_requests\nbob: b,log_requests\ncarol: c\n");
    Path history = Files.createDirectories(dir.resolve("history"));
    Path requested = dir.resolve("requested");
    try (PcpServer server = PcpServer.start(new PcpServer.Settings(history.toString(), 0, users,
        false, null, Limits.DEFAULT.withLogRequests(100, 2), requested))) {
      String base = "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port()
          + ";serialization=protobuf;authentication=BASIC;avatica_user=";
      try (Connection alice = DriverManager.getConnection(base + "alice;avatica_password=a");
          Connection bob = DriverManager.getConnection(base + "bob;avatica_password=b");
          Connection carol = DriverManager.getConnection(base + "carol;avatica_password=c")) {
        assertEquals(1, request(alice, "localhost", METRIC, 500, 8));
        assertEquals(1, request(bob, "localhost", METRIC, 200, 3));
        assertEquals(List.of("alice 500 logging 200", "bob 200 logging 200"), requests(alice),
            "merged: logged at the shorter interval while both requests last");

        refused(carol, "localhost", METRIC, 500, 5, "the role 'log_requests' is needed");
        refused(alice, "localhost", "no.such.metric", 500, 5, "Unknown metric name");
        refused(alice, "localhost", "kernel.all", 500, 5, "is not a single metric");
        refused(alice, "localhost", METRIC, 50, 5, "below this server's minimum of 100");
        refused(alice, "localhost", "kernel.all.load; quit", 500, 5, "not a metric name");
        refused(alice, "no-such-host.invalid", METRIC, 500, 5, "no-such-host.invalid");
        assertEquals(1, request(alice, "localhost", "mem.util.free", 1000, 60));
        refused(alice, "localhost", "hinv.ncpu", 1000, 60, "already has 2 requests (limit 2)");
        SQLException notHers = assertThrows(SQLException.class, () -> update(bob,
            "DELETE FROM pcp.log_requests WHERE metric = 'mem.util.free'"));
        assertTrue(notHers.getMessage().contains("is user 'alice''s"), notHers.getMessage());
        assertEquals(1, update(alice,
            "DELETE FROM pcp.log_requests WHERE metric = 'mem.util.free'"));

        Thread.sleep(4500); // bob's request has expired
        assertEquals(List.of("alice 500 logging 500"), requests(alice));
        Thread.sleep(5000); // and alice's
        assertEquals(List.of(), requests(alice));
      }
    }
    Path archive;
    try (Stream<Path> files = Files.list(requested.resolve("localhost"))) {
      archive = files.filter(f -> f.toString().endsWith(".meta")).findFirst().orElseThrow();
    }
    String base = archive.toString().replaceAll("\\.meta$", "");
    List<Long> times = libpcpTimesMillis(base);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < times.size(); i++) {
      gaps.add(Math.floorMod(times.get(i) - times.get(i - 1), 86_400_000L)); // across midnight
    }
    long fast = gaps.stream().filter(g -> g < 350).count();
    long slow = gaps.stream().filter(g -> g >= 350 && g < 700).count();
    System.out.printf("requested archive: %d samples, %d gaps under 350 ms, %d of 350-700 ms%n",
        times.size(), fast, slow);
    assertTrue(fast >= 8 && slow >= 6 && fast + slow == gaps.size(),
        "200 ms samples while both requests lasted, then 500 ms ones; gaps " + gaps);
    try (Connection local = Sql.connect(dir.resolve("requested"))) {
      String host = Sql.host(Path.of(base));
      assertEquals(times.size() * 3L, ((Number) Sql.rows(local, "SELECT count(*) FROM \"" + host
          + "\".metrics WHERE metric = '" + METRIC + "'").get(0)[0]).longValue(),
          "the requested archive is read as libpcp reads it");
    }
  }

  /**
   * With log_missing_ms, a stream of a metric the host does not log fails with the request it
   * made, and works once pmlogger has logged the metric; a bad value fails the connection.
   */
  @Test
  void aStreamOfAnUnloggedMetricAsksForItWhenTheClientSaysSo() throws Exception {
    Path history = Files.createDirectories(dir.resolve("history"));
    String host = PcpTools.run(10, "hostname").output().strip();
    try (PcpServer server = PcpServer.start(new PcpServer.Settings(history.toString(), 0, null,
        false, null, Limits.DEFAULT.withLogRequests(100, 2),
        dir.resolve("requested")))) {
      // a connection property, not a URL parameter: Avatica forwards only the former
      String url = "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port()
          + ";serialization=protobuf";
      // written unquoted where it can be: the host keeps its case, as the query's own names do
      String named = host.matches("[A-Za-z_][A-Za-z0-9_]*") ? host : "\"" + host + "\"";
      String stream = "SELECT STREAM val FROM " + named + ".\"live:" + METRIC + "\"";
      try (Connection c = DriverManager.getConnection(url, logMissing("500"));
          Statement s = c.createStatement()) {
        SQLException asked = assertThrows(SQLException.class, () -> s.executeQuery(stream));
        assertTrue(asked.getMessage().contains(METRIC + " is not logged on " + host)
            && asked.getMessage().contains("now logs it every 500 ms for an hour"
            + " (pcp.log_requests id 1)"), asked.getMessage());
      }
      Thread.sleep(3000);
      try (Connection c = DriverManager.getConnection(url, logMissing("500"));
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery(stream)) {
        assertTrue(rs.next(), "streams once logged");
      }
      Exception bad = assertThrows(Exception.class, () -> {
        try (Connection c = DriverManager.getConnection(url, logMissing("soon"))) {
          c.createStatement().executeQuery("SELECT 1 FROM pcp.hosts");
        }
      });
      assertTrue(String.valueOf(bad.getMessage()).contains("log_missing_ms must be a number"),
          bad.getMessage());
    }
  }

  private static Properties logMissing(String millis) {
    Properties properties = new Properties();
    properties.setProperty("log_missing_ms", millis);
    return properties;
  }

  private static int request(Connection c, String host, String metric, int intervalMs,
      int durationS) throws SQLException {
    return update(c, "INSERT INTO pcp.log_requests (host, metric, interval_ms, duration_s)"
        + " VALUES ('" + host + "', '" + metric.replace("'", "''") + "', " + intervalMs + ", "
        + durationS + ")");
  }

  private static void refused(Connection c, String host, String metric, int intervalMs,
      int durationS, String reason) {
    SQLException e = assertThrows(SQLException.class,
        () -> request(c, host, metric, intervalMs, durationS), metric);
    assertTrue(e.getMessage().contains("log request refused") && e.getMessage().contains(reason),
        e.getMessage());
  }

  private static int update(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return s.executeUpdate(sql);
    }
  }

  private static List<String> requests(Connection c) throws SQLException {
    List<String> rows = new ArrayList<>();
    for (Object[] row : Sql.rows(c, "SELECT requested_by, interval_ms, state, logged_every_ms"
        + " FROM pcp.log_requests ORDER BY requested_by")) {
      rows.add(row[0] + " " + row[1] + " " + row[2] + " " + row[3]);
    }
    return rows;
  }

  /** The times of the metric's samples, as pmdumplog reads them (milliseconds of the day). */
  private static List<Long> libpcpTimesMillis(String archive) throws Exception {
    PcpTools.Result dump = PcpTools.run(60, PcpTools.tool("pmdumplog").toString(), archive,
        METRIC);
    assertEquals(0, dump.exitCode(), dump.output());
    List<Long> times = new ArrayList<>();
    long recordMillis = -1;
    for (String line : dump.output().split("\n")) {
      // a record starts "HH:MM:SS.ffffff 1 metric"; its values follow under "pmID (name):"
      if (line.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d+ +\\d+ metrics?")) {
        String[] hms = line.substring(0, line.indexOf(' ')).split("[:.]");
        recordMillis = ((Long.parseLong(hms[0]) * 60 + Long.parseLong(hms[1])) * 60
            + Long.parseLong(hms[2])) * 1000 + Long.parseLong(hms[3].substring(0, 3));
      } else if (line.contains("(" + METRIC + "):")) {
        times.add(recordMillis);
      }
    }
    return times;
  }
}
