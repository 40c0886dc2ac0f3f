package org.pmsql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pmsql.testsupport.HostileSql.cyclicJoin;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.serving.Limits;
import org.pmsql.testsupport.PcpTools;

/**
 * pmsql serve in-process over the shipped sample archive, reached with stock Avatica remote
 * connections: same answers as local jdbc:pcp:, client properties cannot change what is
 * served, loopback only without users, BASIC and DIGEST authentication with users, TLS,
 * writes refused.
 */
class RemoteServerTest {
  private static final String SAMPLE =
      PcpTools.repositoryRoot().resolve("samples/sample-host").toString();
  private static final List<String> QUERIES = List.of(
      "SELECT metric, count(*) AS n, sum(val) AS total FROM vm.metrics GROUP BY metric"
          + " ORDER BY metric",
      "SELECT ts, instance, val, rate FROM vm.\"kernel.percpu.cpu.user\" ORDER BY ts, instance",
      "SELECT host, first_ts, last_ts, archive_count FROM pcp.hosts",
      // labels were a MAP no remote client could read ("Unhandled type in Frame: TreeMap")
      "SELECT metric, inst, labels FROM vm.metric_labels ORDER BY metric, inst");

  @TempDir Path dir;

  private static PcpServer start(Path users) throws SQLException {
    return start(users, Limits.DEFAULT);
  }

  private static PcpServer start(Path users, Limits limits) throws SQLException {
    return PcpServer.start(new PcpServer.Settings(SAMPLE, 0, users, false, null, limits, null));
  }

  private static String url(PcpServer server) {
    return "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port()
        + ";serialization=protobuf";
  }

  @Test
  void answersAsLocalJdbcDoesInBothWireFormats() throws Exception {
    try (PcpServer server = start(null);
        Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + SAMPLE)) {
      for (String serialization : List.of("protobuf", "json")) {
        try (Connection remote = DriverManager.getConnection("jdbc:avatica:remote:url="
            + "http://127.0.0.1:" + server.port() + ";serialization=" + serialization)) {
          for (String sql : QUERIES) {
            List<String> want = rows(local, sql);
            assertTrue(want.size() > 0, sql);
            assertEquals(want, rows(remote, sql), serialization + ": " + sql);
          }
        }
      }
    }
  }

  /**
   * Fetch size 0 (Spark's default) means the server chooses the frame: every row still comes,
   * for prepared and plain statements, first frame and later ones.
   */
  @Test
  void fetchSizeZeroGivesEveryRow() throws Exception {
    String sql = "SELECT ts_ns, metric, inst FROM vm.metrics WHERE ts_ns > ?";
    try (PcpServer server = start(null, new Limits(600, 16, 1000, 10_000, 300, 1000, 3600, 20, 2, 32));
        Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + SAMPLE);
        Connection remote = DriverManager.getConnection(url(server))) {
      List<String> want = rows(local, sql.replace("?", "0"));
      assertTrue(want.size() > 1000, "more rows than one frame: " + want.size());
      for (int fetchSize : new int[] {0, 1, 100, 5000}) {
        try (PreparedStatement p = remote.prepareStatement(sql)) {
          p.setFetchSize(fetchSize);
          p.setLong(1, 0);
          assertEquals(want, rows(p.executeQuery()), "prepared, fetch size " + fetchSize);
        }
        try (Statement s = remote.createStatement()) {
          s.setFetchSize(fetchSize);
          assertEquals(want, rows(s.executeQuery(sql.replace("?", "0"))),
              "statement, fetch size " + fetchSize);
        }
      }
    }
  }

  /**
   * The fetch size is a hint: Avatica's client asks for 100 rows a frame by default, and the
   * frames after the first (which Avatica's server caps at 100 rows) hold thousands instead,
   * each frame being a round trip and a turn.
   */
  @Test
  void laterFramesHoldThousandsOfRowsWhateverTheClientHints() throws Exception {
    long total;
    try (Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + SAMPLE)) {
      total = Long.parseLong(rows(local, "SELECT count(*) FROM vm.metrics").get(0));
    }
    assertTrue(total > 1100, "more rows than two hinted frames: " + total);
    try (PcpServer server = start(null)) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port());
      post(http, uri, "{\"request\":\"openConnection\",\"connectionId\":\"c\"}");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"statementId\":(\\d+)")
          .matcher(post(http, uri,
              "{\"request\":\"createStatement\",\"connectionId\":\"c\"}").body());
      assertTrue(m.find());
      String statement = "\"connectionId\":\"c\",\"statementId\":" + m.group(1);
      String first = post(http, uri, "{\"request\":\"prepareAndExecute\"," + statement
          + ",\"sql\":\"SELECT ts_ns FROM vm.metrics\",\"maxRowCount\":-1,"
          + "\"maxRowsInFirstFrame\":100}").body();
      assertEquals(100, rowsIn(first), "rows in the first frame");
      String next = post(http, uri, "{\"request\":\"fetch\"," + statement
          + ",\"offset\":100,\"fetchMaxRowCount\":100}").body();
      assertEquals(Math.min(total - 100, 5000), rowsIn(next), "rows in the next frame");
    }
  }

  private static int rowsIn(String frame) {
    return frame.split("\\],\\[", -1).length;
  }

  /** A failed query reaches the client as one line, without Avatica's causal chain. */
  @Test
  void remoteErrorsAreOneLine() throws Exception {
    try (PcpServer server = start(null);
        Connection remote = DriverManager.getConnection(url(server))) {
      for (String bad : List.of("SELECT nope FROM vm.metrics", "SELECT 1/0",
          "SELECT * FROM vm.metrics WHERE ts > 'noon'")) {
        SQLException e = assertThrows(SQLException.class,
            () -> remote.createStatement().executeQuery(bad));
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(!e.getMessage().contains("Exception:") && !e.getMessage().contains(" -> "),
            e.getMessage());
      }
    }
  }

  /**
   * Each user may keep two statements with unread results: a third closes the one read least
   * lately, which says so when next fetched, and nobody is locked out (leaving results unread
   * used to refuse every new query until the idle timeout); other users are not held back.
   */
  @Test
  void statementsWithUnreadResultsAreCappedPerUser() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "alice: a\nbob: b\n");
    try (PcpServer server = start(users, Limits.DEFAULT.withMaxStatementsPerUser(2))) {
      String base = url(server) + ";authentication=BASIC;avatica_user=";
      try (Connection alice = DriverManager.getConnection(base + "alice;avatica_password=a");
          Connection bob = DriverManager.getConnection(base + "bob;avatica_password=b")) {
        ResultSet oldest = unread(alice);
        ResultSet newer = unread(alice);
        List<String> bobs = rows(bob, "SELECT host FROM pcp.hosts");
        ResultSet newest = unread(alice);
        // the stock Avatica client throws a fetch's error unchecked
        Exception closed = assertThrows(Exception.class, () -> readAll(oldest));
        assertTrue(closed.getMessage().contains(": results closed by the server: user 'alice'"
            + " opened more than 2 statements with unread results")
            && !closed.getMessage().contains("SQLException"), closed.getMessage());
        assertEquals(1330, 1 + readAll(newer), "the others are read to their end");
        assertEquals(1330, 1 + readAll(newest));
        assertEquals(List.of("vm"), bobs, "bob is not held");
        assertEquals(List.of("vm"), rows(alice, "SELECT host FROM pcp.hosts"));
      }
    }
  }

  private static int readAll(ResultSet rs) throws SQLException {
    int n = 0;
    while (rs.next()) {
      n++;
    }
    return n;
  }

  /** A result (1330 rows) read ten rows a frame, left unread after the first. */
  private static ResultSet unread(Connection c) throws SQLException {
    Statement s = c.createStatement();
    s.setFetchSize(10);
    ResultSet rs = s.executeQuery("SELECT * FROM vm.metrics");
    assertTrue(rs.next());
    return rs;
  }

  /** The server ends a query at its own timeout, whatever the client set. */
  @Test
  void theServerTimesQueriesOut() throws Exception {
    try (PcpServer server = start(null, Limits.DEFAULT.withStatementTimeoutSeconds(1));
        Connection remote = DriverManager.getConnection(url(server))) {
      ResultSet rs = unread(remote);
      Thread.sleep(1500);
      Exception timedOut = assertThrows(Exception.class, () -> {
        while (rs.next()) {
          continue;
        }
      });
      assertTrue(String.valueOf(timedOut.getMessage()).contains("query timed out after 1.0 s"),
          timedOut.getMessage());
      assertEquals(List.of("vm"), rows(remote, "SELECT host FROM pcp.hosts"));
    }
  }

  /**
   * Planning ends at the statement timeout too: a five-way join whose conditions tie every
   * table to others planned for over five minutes, past any timeout.
   */
  @Test
  void planningEndsAtTheStatementTimeout() throws Exception {
    try (PcpServer server = start(null, Limits.DEFAULT.withStatementTimeoutSeconds(2));
        Connection remote = DriverManager.getConnection(url(server))) {
      SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> assertThrows(SQLException.class, () -> rows(remote, cyclicJoin(5))));
      assertTrue(e.getMessage().contains("planning did not end within the 2 s statement"
          + " timeout"), e.getMessage());
      assertEquals("57014", e.getSQLState());
      assertEquals(List.of("vm"), rows(remote, "SELECT host FROM pcp.hosts"));
    }
  }

  @Test
  void clientPropertiesCannotChooseWhatIsServed() throws Exception {
    Properties client = new Properties();
    client.setProperty("archives", "/nonexistent");
    client.setProperty("model", "inline:{version: '1.0', schemas: []}");
    client.setProperty("schemaFactory", "org.apache.calcite.adapter.jdbc.JdbcSchema$Factory");
    try (PcpServer server = start(null);
        Connection remote = DriverManager.getConnection(url(server), client)) {
      assertEquals(List.of("vm"), rows(remote, "SELECT host FROM pcp.hosts"));
    }
  }

  @Test
  void withoutUsersOnlyLoopbackIsServed() throws Exception {
    InetAddress outside = outsideAddress();
    try (PcpServer server = start(null)) {
      assertThrows(java.io.IOException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(outside, server.port()), 2000);
        }
      }, "port " + server.port() + " must not answer on " + outside);
      assertEquals(List.of("vm"), rows(DriverManager.getConnection(url(server)),
          "SELECT host FROM pcp.hosts"));
    }
  }

  @Test
  void usersMustAuthenticate() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "alice: secret,pcp\n");
    try (PcpServer server = start(users)) {
      String base = url(server) + ";authentication=BASIC;avatica_user=alice;avatica_password=";
      try (Connection ok = DriverManager.getConnection(base + "secret")) {
        assertEquals(List.of("vm"), rows(ok, "SELECT host FROM pcp.hosts"));
      }
      for (String refused : List.of(base + "wrong", url(server))) {
        // stock Avatica clients report the HTTP 401 as a RuntimeException, not an SQLException
        Exception e = assertThrows(Exception.class, () -> {
          try (Connection c = DriverManager.getConnection(refused)) {
            rows(c, "SELECT host FROM pcp.hosts");
          }
        });
        assertTrue(String.valueOf(e.getMessage()).contains("401"), e.getMessage());
      }
    }
  }

  /** A hashed password authenticates; a users file Jetty would misread stops the start. */
  @Test
  void hashedPasswordsAndStrictUsersFiles() throws Exception {
    String md5 = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest("e-secret".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Path users = dir.resolve("users");
    Files.writeString(users, "erin: MD5:" + md5 + "\n");
    try (PcpServer server = start(users)) {
      String base = url(server) + ";authentication=BASIC;avatica_user=erin;avatica_password=";
      try (Connection ok = DriverManager.getConnection(base + "e-secret")) {
        assertEquals(List.of("vm"), rows(ok, "SELECT host FROM pcp.hosts"));
      }
      Exception e = assertThrows(Exception.class, () -> {
        try (Connection c = DriverManager.getConnection(base + "MD5:" + md5)) {
          rows(c, "SELECT host FROM pcp.hosts");
        }
      });
      assertTrue(String.valueOf(e.getMessage()).contains("401"), e.getMessage());
    }
    Files.writeString(users, "alice: a\nmal:ory: x:y\n");
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> start(users).close());
    assertTrue(refused.getMessage().contains(users + " line 2"), refused.getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PcpServer.start(
        new PcpServer.Settings(SAMPLE, 0, writeUsers("erin: MD5:" + md5), true, null,
            Limits.DEFAULT, null)).close()).getMessage().contains("--digest"));
  }

  private Path writeUsers(String text) throws java.io.IOException {
    return Files.writeString(dir.resolve("users-" + text.hashCode()), text);
  }

  @Test
  void digestAuthenticationAndTls() throws Exception {
    Path users = dir.resolve("users");
    Files.writeString(users, "bob: hunter2\n");
    Path keystore = dir.resolve("server.p12");
    PcpTools.Result made = PcpTools.run(60,
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "pmsql", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", "changeit");
    assertEquals(0, made.exitCode(), made.output());
    try (PcpServer server = PcpServer.start(new PcpServer.Settings(SAMPLE, 0, users, true,
        new PcpServer.Tls(keystore, "changeit", null, null), Limits.DEFAULT, null))) {
      String url = "jdbc:avatica:remote:url=https://127.0.0.1:" + server.port()
          + ";serialization=protobuf;truststore=" + keystore + ";truststore_password=changeit"
          + ";authentication=DIGEST;avatica_user=bob;avatica_password=";
      try (Connection ok = DriverManager.getConnection(url + "hunter2")) {
        assertEquals(List.of("vm"), rows(ok, "SELECT host FROM pcp.hosts"));
      }
      Exception refused = assertThrows(Exception.class, () -> {
        try (Connection c = DriverManager.getConnection(url + "wrong")) {
          rows(c, "SELECT host FROM pcp.hosts");
        }
      });
      assertTrue(String.valueOf(refused.getMessage()).contains("401"), refused.getMessage());
      // plain HTTP to the TLS port: a 400, not a client retrying forever
      Exception plain = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
          Exception.class, () -> {
            try (Connection c = DriverManager.getConnection(url.replace("https:", "http:")
                + "hunter2")) {
              rows(c, "SELECT host FROM pcp.hosts");
            }
          }));
      assertTrue(String.valueOf(plain.getMessage()).contains("HTTP/400"), plain.getMessage());
    }
  }

  @Test
  void writesAreRefusedAndTheServerGoesOn() throws Exception {
    try (PcpServer server = start(null);
        Connection remote = DriverManager.getConnection(url(server))) {
      for (String write : List.of("INSERT INTO vm.metrics (metric) VALUES ('x')",
          "DELETE FROM vm.metrics", "CREATE TABLE t (x INT)", "SELECT * FROM vm.nosuch")) {
        assertThrows(SQLException.class, () -> rows(remote, write), write);
      }
      assertEquals(List.of("vm"), rows(remote, "SELECT host FROM pcp.hosts"));
    }
  }

  /**
   * A statement is reached through the connection that made it: naming it with another
   * connection, even one's own, finds nothing (it used to run the SQL on the other connection's
   * statement).
   */
  @Test
  void aStatementIsReachedOnlyThroughItsOwnConnection() throws Exception {
    String localCount;
    try (Connection local = DriverManager.getConnection("jdbc:pcp:archives=" + SAMPLE)) {
      localCount = rows(local, "SELECT count(*) FROM vm.metrics").get(0);
    }
    try (PcpServer server = start(null)) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port());
      for (String id : List.of("conn-a", "conn-b")) {
        assertEquals(200, post(http, uri, "{\"request\":\"openConnection\",\"connectionId\":\""
            + id + "\"}").statusCode());
      }
      HttpResponse<String> created = post(http, uri,
          "{\"request\":\"createStatement\",\"connectionId\":\"conn-a\"}");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"statementId\":(\\d+)")
          .matcher(created.body());
      assertTrue(m.find(), created.body());
      String execute = "{\"request\":\"prepareAndExecute\",\"connectionId\":\"%s\","
          + "\"statementId\":" + m.group(1) + ",\"sql\":\"SELECT count(*) FROM vm.metrics\","
          + "\"maxRowCount\":-1,\"maxRowsInFirstFrame\":-1}";
      HttpResponse<String> other = post(http, uri, String.format(execute, "conn-b"));
      // Avatica's answer for a statement the server does not have
      assertTrue(other.body().contains("\"missingStatement\":true")
          && other.body().contains("\"results\":null"), other.body());
      HttpResponse<String> own = post(http, uri, String.format(execute, "conn-a"));
      assertTrue(own.body().contains("\"missingStatement\":false")
          && own.body().contains("\"rows\":[[" + localCount + "]]"), own.body());
    }
  }

  /**
   * Bob, authenticated, names alice's connection and statement in every request type Avatica
   * has: each finds nothing, none changes her work, and her connection goes on as before
   * (metadata calls, syncs, closes and commits used to take any user's connection id).
   */
  @Test
  void anotherUsersConnectionIsNotFoundInAnyRequest() throws Exception {
    try (PcpServer server = startWithAliceAndBob()) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port());
      String alice = "alice:a-secret";
      String bob = "bob:b-secret";
      assertEquals(200, post(http, uri, alice,
          "{\"request\":\"openConnection\",\"connectionId\":\"alices\"}").statusCode());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"statementId\":(\\d+)")
          .matcher(post(http, uri, alice,
              "{\"request\":\"createStatement\",\"connectionId\":\"alices\"}").body());
      assertTrue(m.find());
      String statement = ",\"statementId\":" + m.group(1);
      String select = "SELECT count(*) FROM vm.metrics";
      String execute = "{\"request\":\"prepareAndExecute\",\"connectionId\":\"alices\""
          + statement + ",\"sql\":\"" + select + "\",\"maxRowCount\":-1,"
          + "\"maxRowsInFirstFrame\":-1}";
      assertTrue(post(http, uri, alice, execute).body().contains("\"rows\":[["));
      String conn = "\"connectionId\":\"alices\"";
      List<String> hostile = List.of(
          "{\"request\":\"getCatalogs\"," + conn + "}",
          "{\"request\":\"getSchemas\"," + conn + "}",
          "{\"request\":\"getTables\"," + conn + "}",
          "{\"request\":\"getTableTypes\"," + conn + "}",
          "{\"request\":\"getTypeInfo\"," + conn + "}",
          "{\"request\":\"getColumns\"," + conn + "}",
          "{\"request\":\"databaseProperties\"," + conn + "}",
          "{\"request\":\"connectionSync\"," + conn + ",\"connProps\":{\"connProps\":"
              + "\"connPropsImpl\",\"dirty\":true,\"schema\":\"pcp\"}}",
          "{\"request\":\"createStatement\"," + conn + "}",
          "{\"request\":\"prepare\"," + conn + ",\"sql\":\"" + select
              + "\",\"maxRowCount\":-1}",
          execute,
          "{\"request\":\"fetch\"," + conn + statement + ",\"offset\":0,"
              + "\"fetchMaxRowCount\":10}",
          "{\"request\":\"commit\"," + conn + "}",
          "{\"request\":\"rollback\"," + conn + "}",
          "{\"request\":\"closeStatement\"," + conn + statement + "}",
          "{\"request\":\"closeConnection\"," + conn + "}");
      for (String request : hostile) {
        HttpResponse<String> answer = post(http, uri, bob, request);
        assertTrue(answer.body().contains("Connection not found"), request + " -> "
            + answer.body());
      }
      // bob's own connection cannot reach her statement either
      post(http, uri, bob, "{\"request\":\"openConnection\",\"connectionId\":\"bobs\"}");
      String borrowed = execute.replace("alices", "bobs");
      assertTrue(post(http, uri, bob, borrowed).body().contains("\"missingStatement\":true"));
      String closeBorrowed = "{\"request\":\"closeStatement\",\"connectionId\":\"bobs\""
          + statement + "}";
      post(http, uri, bob, closeBorrowed);
      // her id, chosen by bob, is a connection of his own: nothing says hers exists ("Connection
      // already exists" did), and his closing it leaves hers open
      String openHerId = "{\"request\":\"openConnection\"," + conn + "}";
      HttpResponse<String> his = post(http, uri, bob, openHerId);
      assertTrue(his.statusCode() == 200 && !his.body().contains("exists"), his.body());
      assertTrue(post(http, uri, bob, "{\"request\":\"getSchemas\"," + conn + "}").body()
          .contains("vm"), "bob's connection of that id answers him");
      assertTrue(post(http, uri, bob, execute).body().contains("\"missingStatement\":true"),
          "her statement is not reached through his connection of her id");
      post(http, uri, bob, "{\"request\":\"closeConnection\"," + conn + "}");
      // her connection and statement are untouched
      assertTrue(post(http, uri, alice, execute).body().contains("\"rows\":[["),
          "alice's statement still runs");
      assertTrue(post(http, uri, alice, "{\"request\":\"getSchemas\"," + conn + "}").body()
          .contains("vm"), "alice's connection still answers");
    }
  }

  /**
   * Hostile or careless requests get one line each, never the server's stack or a planner dump:
   * an empty request, changes to archives, bad SQL.
   */
  @Test
  void errorsCarryNoStackTraces() throws Exception {
    try (PcpServer server = start(null)) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port());
      post(http, uri, "{\"request\":\"openConnection\",\"connectionId\":\"c\"}");
      post(http, uri, "{\"request\":\"createStatement\",\"connectionId\":\"c\"}");
      String execute = "{\"request\":\"prepareAndExecute\",\"connectionId\":\"c\","
          + "\"statementId\":0,\"sql\":\"%s\",\"maxRowCount\":-1}";
      List<String[]> cases = List.of(new String[] {"{}", "Connection not found"},
          new String[] {String.format(execute, "DELETE FROM vm.metrics"), "read-only"},
          new String[] {String.format(execute, "UPDATE vm.metrics SET val = 1"), "read-only"},
          new String[] {String.format(execute, "SELECT * FROM vm.nosuch"), "nosuch"});
      for (String[] c : cases) {
        String body = post(http, uri, c[0]).body();
        assertTrue(body.contains("\"response\":\"error\"") && body.contains(c[1]), c[0] + body);
        assertTrue(!body.contains("\\tat ") && !body.contains("Exception\\n\\tat")
            && body.length() < 2000, body);
      }
      assertTrue(post(http, uri, String.format(execute, "SELECT 1")).body().contains("[[1]]"));
    }
  }

  /**
   * Statements past the server's bounds are refused before planning, within seconds, saying
   * which bound (a 150,000-value IN list kept a core busy for minutes, past the timeout).
   */
  @Test
  void oversizedStatementsAreRefusedBeforePlanning() throws Exception {
    try (PcpServer server = start(null);
        Connection remote = DriverManager.getConnection(url(server))) {
      StringBuilder in = new StringBuilder("SELECT count(*) FROM vm.metrics WHERE val IN (0");
      for (int i = 1; i < 20_000; i++) {
        in.append(", ").append(i);
      }
      String deep = "SELECT " + "1 + (".repeat(300) + "1" + ")".repeat(300);
      String huge = "SELECT count(*) FROM vm.metrics WHERE metric <> '" + "x".repeat(300_000)
          + "'";
      List<String[]> cases = List.of(new String[] {in + ")", "IN list of 20000 values"},
          new String[] {deep, "nests deeper"}, new String[] {huge, "characters is longer"});
      for (String[] c : cases) {
        long start = System.nanoTime();
        SQLException e = assertThrows(SQLException.class, () -> rows(remote, c[0]), c[1]);
        assertTrue(e.getMessage().contains(c[1]) && e.getMessage().contains("this server takes"),
            e.getMessage());
        assertTrue(System.nanoTime() - start < 30_000_000_000L, "refused, not planned");
      }
      StringBuilder fine = new StringBuilder("SELECT count(*) FROM vm.metrics WHERE inst IN (0");
      for (int i = 1; i < 100; i++) {
        fine.append(", ").append(i);
      }
      assertEquals(1, rows(remote, fine + ")").size());
    }
  }

  /**
   * Guessing passwords is throttled: after 10 failures within a minute the address and the user
   * name are refused (429) without a check; requests without credentials (the challenge a
   * client meets first) count for nothing. It answered 1,447 guesses a second.
   */
  @Test
  void passwordGuessingIsThrottled() throws Exception {
    try (PcpServer server = startWithAliceAndBob()) {
      HttpClient http = HttpClient.newHttpClient();
      URI uri = URI.create("http://127.0.0.1:" + server.port());
      String open = "{\"request\":\"openConnection\",\"connectionId\":\"%s\"}";
      for (int i = 0; i < 20; i++) {
        assertEquals(401, post(http, uri, String.format(open, "anonymous" + i)).statusCode());
      }
      assertEquals(200, post(http, uri, "bob:b-secret", String.format(open, "bobs")).statusCode());
      int unauthorized = 0;
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        int status = post(http, uri, "alice:guess" + i, String.format(open, "g" + i))
            .statusCode();
        unauthorized += status == 401 ? 1 : 0;
        refused += status == 429 ? 1 : 0;
      }
      assertEquals(10, unauthorized);
      assertEquals(30, refused);
      assertEquals(429, post(http, uri, "alice:a-secret", String.format(open, "a")).statusCode(),
          "her name is refused for now, even with her password");
      assertEquals(429, post(http, uri, "bob:b-secret", String.format(open, "b")).statusCode(),
          "and so is the guessing address");
    }
  }

  /**
   * A request body trickled a byte at a time is cut off (HTTP 408) within seconds instead of
   * holding a server thread, and other clients are answered meanwhile.
   */
  @Test
  void tricklingRequestBodiesAreCutOff() throws Exception {
    try (PcpServer server = start(null);
        Connection remote = DriverManager.getConnection(url(server));
        Socket slow = new Socket("127.0.0.1", server.port())) {
      slow.setSoTimeout(20_000);
      var out = slow.getOutputStream();
      out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 400\r\n\r\n{").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      String answer = "";
      for (int i = 0; i < 40 && answer.isEmpty(); i++) {
        Thread.sleep(500);
        try {
          out.write(' ');
          out.flush();
        } catch (java.io.IOException closed) {
          break;
        }
        if (slow.getInputStream().available() > 0) {
          answer = new String(slow.getInputStream().readNBytes(
              slow.getInputStream().available()), java.nio.charset.StandardCharsets.US_ASCII);
        }
        if (i == 2) {
          assertEquals(List.of("vm"), rows(remote, "SELECT host FROM pcp.hosts"));
        }
      }
      if (answer.isEmpty()) {
        answer = new String(slow.getInputStream().readNBytes(12),
            java.nio.charset.StandardCharsets.US_ASCII);
      }
      assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
      assertTrue(System.nanoTime() - start < 15_000_000_000L, "cut off within seconds");
    }
  }

  /**
   * --bind chooses the listening address: with users, loopback only when asked; without users
   * nothing but loopback, and an address of another machine, are refused at start.
   */
  @Test
  void theOperatorChoosesTheListeningAddress() throws Exception {
    InetAddress outside = outsideAddress();
    Path users = Files.writeString(dir.resolve("users"), "alice: a-secret\n");
    try (PcpServer server = PcpServer.start(new PcpServer.Settings(SAMPLE, 0, users, false, null,
        Limits.DEFAULT, null, "127.0.0.1"))) {
      assertThrows(java.io.IOException.class, () -> {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(outside, server.port()), 2000);
        }
      }, "port " + server.port() + " must not answer on " + outside);
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        assertTrue(s.isConnected());
      }
    }
    for (String[] bad : new String[][] {{outside.getHostAddress(), "needs --users"},
        {"192.0.2.1", "not an address of this machine"}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PcpServer.start(new PcpServer.Settings(SAMPLE, 0, null, false, null,
              Limits.DEFAULT, null, bad[0])).close());
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }

  private static InetAddress outsideAddress() throws java.io.IOException {
    return Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
        .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst()
        .orElseThrow(() -> new AssertionError("this machine has no non-loopback address"));
  }

  /** A server with users alice (password a-secret) and bob (b-secret). */
  private PcpServer startWithAliceAndBob() throws Exception {
    return start(Files.writeString(dir.resolve("users"), "alice: a-secret\nbob: b-secret\n"));
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, String credentials,
      String json) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json")
        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            credentials.getBytes(java.nio.charset.StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(HttpClient http, URI uri, String json)
      throws Exception {
    return http.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofString(json))
        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      return rows(s.executeQuery(sql));
    }
  }

  private static List<String> rows(ResultSet results) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = results) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Object[] row = new Object[n];
        for (int i = 0; i < n; i++) {
          row[i] = rs.getObject(i + 1);
        }
        rows.add(n == 1 ? String.valueOf(row[0]) : Arrays.toString(row));
      }
    }
    return rows;
  }
}
