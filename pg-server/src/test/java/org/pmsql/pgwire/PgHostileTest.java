package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.pmsql.serving.FailedLogins;
import org.pmsql.serving.Limits;
import org.pmsql.serving.UsersFile;
import org.pmsql.testsupport.HostileSql;

/**
 * Clients that break the protocol, by accident or on purpose: garbage, absurd lengths, truncated
 * messages, a start-up without a user, a query too long, random messages after start-up (a
 * seeded fuzz), a client trickling a message, a planning bomb, password guesses. Each gets an
 * ErrorResponse or a closed connection within a bounded time, and a well-behaved client is
 * answered throughout.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PgHostileTest {
  private static final long SEED = 20_261_207L;
  private static PgFixture pg;

  @BeforeAll
  static void start() throws Exception {
    pg = PgFixture.loopback();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @Test
  void brokenStartupsAreRefusedAtOnce() throws Exception {
    // absurd length: refused before anything is allocated for it
    assertAnswered(startupOf(0x7fff_ffff, new byte[0]), "08P01");
    assertAnswered(startupOf(4, new byte[0]), "08P01");
    // protocol 9.9
    assertAnswered(startup(0x0009_0009, "user", "x"), "0A000");
    // no user
    assertAnswered(startup(196_608, "database", "pcp"), "28000");
    // a name without its terminating zero
    assertAnswered(startupOf(16, ("\0\3\0\0user\0abc").getBytes(StandardCharsets.US_ASCII)),
        "08P01");
    assertWellBehavedClientAnswered();
  }

  @Test
  void absurdMessagesAfterStartupEndTheirConnectionOnly() throws Exception {
    try (Socket s = connected()) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeByte('Q');
      out.writeInt(Integer.MAX_VALUE);
      out.flush();
      assertEquals("08P01", errorCode(s));
    }
    try (Socket s = connected()) {
      // a query longer than pmsql takes: refused, and the session goes on
      byte[] query = ("SELECT '" + "x".repeat(300_000) + "'\0").getBytes(StandardCharsets.UTF_8);
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      out.writeByte('Q');
      out.writeInt(4 + query.length);
      out.write(query);
      out.flush();
      String code = errorCode(s);
      assertTrue(code != null && !code.equals("08P01"), "refused as a query: " + code);
      readUntilReady(s.getInputStream());
      out.writeByte('Q');
      byte[] ok = "SELECT 1\0".getBytes(StandardCharsets.US_ASCII);
      out.writeInt(4 + ok.length);
      out.write(ok);
      out.flush();
      assertTrue(readUntilReady(s.getInputStream()).contains("D"), "SELECT 1 answered after");
    }
    assertWellBehavedClientAnswered();
  }

  @Test
  void aSeededFuzzOfMessagesNeverHangsOrStopsTheServer() throws Exception {
    Random random = new Random(SEED);
    Thread trickler = new Thread(PgHostileTest::trickle);
    trickler.start();
    char[] types = "QPBDESCHXFdcfpZ?\0".toCharArray();
    for (int round = 0; round < 200; round++) {
      try (Socket s = connected()) {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        int messages = 1 + random.nextInt(4);
        for (int m = 0; m < messages; m++) {
          byte[] body = new byte[random.nextInt(64)];
          random.nextBytes(body);
          int declared = switch (random.nextInt(4)) {
            case 0 -> 4 + body.length;
            case 1 -> random.nextInt();
            case 2 -> 4 + body.length + 1 + random.nextInt(8); // truncated
            default -> 4 + random.nextInt(body.length + 1);
          };
          out.writeByte(types[random.nextInt(types.length)]);
          out.writeInt(declared);
          out.write(body);
        }
        out.flush();
        s.shutdownOutput();
        long started = System.nanoTime();
        drain(s.getInputStream());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(35),
            "round " + round + " was answered within the message deadline");
      }
      if (round % 50 == 49) {
        assertWellBehavedClientAnswered();
      }
    }
    trickler.join(TimeUnit.SECONDS.toMillis(Frontend.MESSAGE_SECONDS + 15));
    assertTrue(!trickler.isAlive(), "the trickling client was cut off");
    assertWellBehavedClientAnswered();
  }

  /**
   * A planning bomb (a five-way cyclic join plans for minutes) ends at the statement timeout,
   * over this protocol as over Avatica, whether sent as a simple query or prepared.
   */
  @Test
  void aPlanningBombEndsAtTheStatementTimeout() throws Exception {
    try (PgFixture bounded = PgFixture.start(null, null, Limits.DEFAULT
        .withStatementTimeoutSeconds(3))) {
      for (String mode : List.of("preferQueryMode=simple", "prepareThreshold=-1")) {
        try (Connection c = PgFixture.connect(bounded.url(mode))) {
          long started = System.nanoTime();
          SQLException timedOut = assertThrows(SQLException.class,
              () -> PgFixture.rows(c, HostileSql.cyclicJoin(5)));
          assertEquals("57014", timedOut.getSQLState(), timedOut.getMessage());
          assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30), mode);
          assertEquals(List.of(List.of("1330")), PgFixture.rows(c,
              "SELECT count(*) FROM vm.metrics"));
        }
      }
    }
  }

  /**
   * Guessing a password: after 10 failures in a minute the address and the name are refused
   * without a check, even with the right password, and say so.
   */
  @Test
  void passwordGuessesAreThrottled() throws Exception {
    List<UsersFile.User> users = List.of(new UsersFile.User("carol", "c0rrect", List.of()));
    try (PgFixture guarded = PgFixture.start(users, null, Limits.DEFAULT)) {
      String url = "jdbc:postgresql://127.0.0.1:" + guarded.port() + "/pcp?user=carol"
          + "&password=";
      for (int guess = 0; guess < FailedLogins.MAX; guess++) {
        int g = guess;
        SQLException wrong = assertThrows(SQLException.class,
            () -> PgFixture.connect(url + "guess" + g).close());
        assertEquals("28P01", wrong.getSQLState());
      }
      SQLException refused = assertThrows(SQLException.class,
          () -> PgFixture.connect(url + "c0rrect").close());
      assertTrue(refused.getMessage().contains("too many failed logins"), refused.getMessage());
    }
  }

  /** A client that sends a query a byte a second: cut off at the message deadline. */
  private static void trickle() {
    try (Socket s = connected()) {
      s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(Frontend.MESSAGE_SECONDS + 10));
      byte[] query = "SELECT count(*) FROM vm.metrics\0".getBytes(StandardCharsets.US_ASCII);
      var out = s.getOutputStream();
      out.write('Q');
      out.write(new byte[] {0, 0, 0, (byte) (4 + query.length)});
      for (byte b : query) {
        out.write(b);
        out.flush();
        Thread.sleep(1000);
      }
    } catch (IOException | InterruptedException e) {
      // cut off: what is expected
    }
  }

  private static void assertWellBehavedClientAnswered() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      assertEquals(List.of(List.of("1330")), PgFixture.rows(c, "SELECT count(*) FROM"
          + " vm.metrics"));
    }
  }

  /** A trusted session past start-up, its greeting read. */
  private static Socket connected() throws IOException {
    Socket s = new Socket("127.0.0.1", pg.port());
    s.setSoTimeout(40_000);
    s.getOutputStream().write(startup(196_608, "user", "fuzz"));
    readUntilReady(s.getInputStream());
    return s;
  }

  private static void assertAnswered(byte[] startup, String code) throws IOException {
    try (Socket s = new Socket("127.0.0.1", pg.port())) {
      s.setSoTimeout(10_000);
      long started = System.nanoTime();
      s.getOutputStream().write(startup);
      String got = errorCode(s);
      if (code != null) {
        assertEquals(code, got);
      }
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5));
    }
  }

  /** The SQLSTATE of the next ErrorResponse, or null when the server just closed. */
  private static String errorCode(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    while (true) {
      int type = in.read();
      if (type < 0) {
        return null;
      }
      byte[] body = body(in);
      if (type == 'E') {
        String fields = new String(body, StandardCharsets.UTF_8);
        int at = fields.indexOf("\0C");
        return fields.substring(at + 2, fields.indexOf('\0', at + 2));
      }
    }
  }

  private static String readUntilReady(InputStream in) throws IOException {
    StringBuilder types = new StringBuilder();
    while (true) {
      int type = in.read();
      if (type < 0) {
        return types.toString();
      }
      types.append((char) type);
      body(in);
      if (type == 'Z') {
        return types.toString();
      }
    }
  }

  private static void drain(InputStream in) throws IOException {
    try {
      while (in.read(new byte[4096]) >= 0) {
        // what the server answers does not matter here, only that it answers and ends
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed within 40 s", e);
    } catch (IOException e) {
      // reset by the server: an answer too
    }
  }

  private static byte[] body(InputStream in) throws IOException {
    int length = (in.read() << 24) | (in.read() << 16) | (in.read() << 8) | in.read();
    return in.readNBytes(length - 4);
  }

  private static byte[] startup(int code, String... parameters) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(body);
    out.writeInt(code);
    for (String p : parameters) {
      out.write(p.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    out.write(0);
    return startupOf(4 + body.size(), body.toByteArray());
  }

  private static byte[] startupOf(int length, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(length);
    out.write(body);
    return bytes.toByteArray();
  }
}
