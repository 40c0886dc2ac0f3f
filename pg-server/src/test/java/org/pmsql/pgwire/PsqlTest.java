package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.serving.Limits;
import org.pmsql.serving.ServerTls;
import org.pmsql.serving.UsersFile;
import org.pmsql.testsupport.PcpTools;

/**
 * psql, PostgreSQL's own shell (Debian's postgresql-client), against the PostgreSQL protocol:
 * its describe commands, text and aligned output compared with local pmsql, FETCH_COUNT's
 * cursors, a stream cancelled with Ctrl-C, TLS and passwords.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PsqlTest {
  private static final String PSQL = "/usr/bin/psql";
  private static PgFixture pg;
  private static Connection local;

  @BeforeAll
  static void start() throws Exception {
    if (!Files.isExecutable(Path.of(PSQL))) {
      fail(PSQL + " is missing: install Debian's postgresql-client (scripts/ensure-deps test)");
    }
    pg = PgFixture.loopback();
    local = PgFixture.local();
  }

  @AfterAll
  static void stop() throws Exception {
    local.close();
    pg.close();
  }

  private static PcpTools.Result psql(String connection, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(PSQL, "-X", connection));
    command.addAll(List.of(args));
    return PcpTools.run(60, command.toArray(String[]::new));
  }

  @Test
  void describeCommandsListSchemasTablesAndColumns() throws Exception {
    PcpTools.Result schemas = psql(pg.libpq(""), "-c", "\\dn");
    assertEquals(0, schemas.exitCode(), schemas.output());
    for (String schema : List.of("vm", "pcp", "pcp_all")) {
      assertTrue(schemas.output().matches("(?s).*\\n " + schema + " +\\| pmsql\\n.*"),
          schemas.output());
    }
    PcpTools.Result tables = psql(pg.libpq(""), "-c", "\\dt vm.*");
    assertEquals(0, tables.exitCode(), tables.output());
    assertTrue(tables.output().matches("(?s).*\\n vm +\\| kernel\\.all\\.load +\\| table +\\|"
        + " pmsql\\n.*"), tables.output());
    PcpTools.Result columns = psql(pg.libpq(""), "-c", "\\d vm.\"kernel.all.load\"");
    assertEquals(0, columns.exitCode(), columns.output());
    assertTrue(columns.output().contains("Table \"vm.kernel.all.load\""), columns.output());
    for (String column : List.of(" ts +\\| timestamp with time zone", " ts_ns +\\| bigint",
        " val +\\| double precision", " val_exact +\\| numeric\\(20,0\\)",
        " instance +\\| text")) {
      assertTrue(columns.output().matches("(?s).*\\n" + column + " .*"), column + " in\n"
          + columns.output());
    }
  }

  @Test
  void unalignedAndAlignedOutputHoldLocalPmsqlsAnswers() throws Exception {
    String sql = "SELECT metric, count(*) AS n, sum(val) AS total FROM vm.metrics"
        + " GROUP BY metric ORDER BY metric";
    List<List<String>> expected = PgFixture.rows(local, sql);
    PcpTools.Result unaligned = psql(pg.libpq(""), "-A", "-t", "-F", "|", "-c", sql);
    assertEquals(0, unaligned.exitCode(), unaligned.output());
    List<List<String>> got = new ArrayList<>();
    for (String line : unaligned.output().strip().split("\n")) {
      String[] f = line.split("\\|", -1);
      got.add(java.util.Arrays.asList(f[0], f[1],
          f[2].isEmpty() ? null : Double.toString(Double.parseDouble(f[2]))));
    }
    assertEquals(expected, got);
    PcpTools.Result aligned = psql(pg.libpq(""), "-c", sql);
    assertTrue(aligned.output().matches("(?s) +metric +\\| +n +\\| +total +\\n-+\\+.*\\("
        + expected.size() + " rows\\)\\n.*"), aligned.output());
  }

  @Test
  void fetchCountReadsThroughACursor() throws Exception {
    String sql = "SELECT ts_ns, metric FROM vm.metrics ORDER BY ts_ns, metric, inst";
    List<String> expected = PgFixture.rows(local, sql).stream()
        .map(r -> r.get(0) + "|" + r.get(1)).toList();
    PcpTools.Result fetched = psql(pg.libpq(""), "-v", "FETCH_COUNT=100", "-A", "-t", "-c", sql);
    assertEquals(0, fetched.exitCode(), fetched.output());
    assertEquals(expected, List.of(fetched.output().strip().split("\n")));
  }

  @Test
  void aStreamShowsItsRowsAsTheyComeAndCtrlCCancelsIt(@TempDir Path dir) throws Exception {
    int history = PgFixture.rows(local, "SELECT count(*) FROM vm.\"kernel.all.load\"").get(0)
        .get(0).equals("180") ? 180 : fail("the sample holds 180 kernel.all.load values");
    Path output = dir.resolve("psql.out");
    ProcessBuilder builder = new ProcessBuilder(PSQL, "-X", pg.libpq(""), "-v", "FETCH_COUNT=10",
        "-A", "-t", "-c", "SELECT STREAM ts_ns FROM vm.\"live:kernel.all.load\""
            + " WHERE ts > TIMESTAMP '2000-01-01 00:00:00'")
        .redirectErrorStream(true).redirectOutput(output.toFile());
    Process psql = builder.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lines(output) < history && System.nanoTime() < deadline && psql.isAlive()) {
        Thread.sleep(100);
      }
      assertEquals(history, lines(output), Files.readString(output));
      new ProcessBuilder("kill", "-INT", Long.toString(psql.pid())).start().waitFor();
      assertTrue(psql.waitFor(20, TimeUnit.SECONDS), "psql did not end after Ctrl-C");
      String said = Files.readString(output, StandardCharsets.UTF_8);
      assertTrue(said.contains("canceling statement due to user request"), said);
    } finally {
      psql.destroyForcibly();
    }
    try (Connection c = PgFixture.connect(pg.url(""))) {
      assertEquals(List.of(List.of("0")), PgFixture.rows(c,
          "SELECT streams FROM pcp.server_status"));
    }
  }

  /** A client killed while the server waits for a stream's rows: the stream ends. */
  @Test
  void aStreamEndsWhenItsClientIsKilled(@TempDir Path dir) throws Exception {
    Path output = dir.resolve("psql.out");
    // FETCH_COUNT past the history: the server waits in FETCH for rows that are not logged
    Process psql = new ProcessBuilder(PSQL, "-X", pg.libpq(""), "-v", "FETCH_COUNT=1000", "-A",
        "-t", "-c", "SELECT STREAM ts_ns FROM vm.\"live:kernel.all.load\" WHERE ts > TIMESTAMP"
            + " '2000-01-01 00:00:00'").redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    try (Connection c = PgFixture.connect(pg.url(""))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!PgFixture.rows(c, "SELECT streams FROM pcp.server_status").equals(
          List.of(List.of("1"))) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(List.of(List.of("1")), PgFixture.rows(c,
          "SELECT streams FROM pcp.server_status"), Files.readString(output));
      psql.destroyForcibly().waitFor();
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!PgFixture.rows(c, "SELECT streams FROM pcp.server_status").equals(
          List.of(List.of("0"))) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(List.of(List.of("0")), PgFixture.rows(c,
          "SELECT streams FROM pcp.server_status"));
    }
  }

  private static int lines(Path file) throws Exception {
    return (int) Files.readAllLines(file).stream().filter(l -> l.matches("\\d+")).count();
  }

  @Test
  void tlsAndScramPasswordsAsPsqlSpeaksThem(@TempDir Path dir) throws Exception {
    Path keystore = dir.resolve("server.p12");
    PcpTools.Result made = PcpTools.run(60,
        Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
        "-alias", "pmsql", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit");
    assertEquals(0, made.exitCode(), made.output());
    Path usersFile = dir.resolve("users");
    // hunter2's MD5, as a users file may keep it
    Files.writeString(usersFile, "alice: s3cret\ncarol: MD5:2ab96390c7dbe3439de74d0c9b0b1767\n");
    List<UsersFile.User> users = UsersFile.read(usersFile);
    SSLContext tls = ServerTls.context(keystore, "changeit");
    try (PgFixture secured = PgFixture.start(users, tls, Limits.DEFAULT)) {
      String base = "host=127.0.0.1 port=" + secured.port() + " dbname=pcp ";
      PcpTools.Result ok = psql(base + "user=alice password=s3cret sslmode=require",
          "-c", "\\conninfo", "-c", "SELECT count(*) FROM vm.metrics");
      assertEquals(0, ok.exitCode(), ok.output());
      assertTrue(ok.output().contains("SSL connection"), ok.output());
      assertTrue(ok.output().contains("1330"), ok.output());
      PcpTools.Result plain = psql(base + "user=alice password=s3cret sslmode=disable",
          "-c", "SELECT 1");
      assertEquals(0, plain.exitCode(), "SCRAM without TLS: " + plain.output());
      for (String wrong : List.of("user=alice password=wrong", "user=mallory password=x")) {
        PcpTools.Result refused = psql(base + wrong + " sslmode=require", "-c", "SELECT 1");
        assertNotEquals(0, refused.exitCode(), refused.output());
        assertTrue(refused.output().contains("password authentication failed for user"),
            refused.output());
      }
      PcpTools.Result hashedInClear = psql(base + "user=carol password=hunter2 sslmode=disable",
          "-c", "SELECT 1");
      assertNotEquals(0, hashedInClear.exitCode(), hashedInClear.output());
      assertTrue(hashedInClear.output().contains("only TLS may carry"), hashedInClear.output());
      PcpTools.Result hashedOverTls = psql(base + "user=carol password=hunter2 sslmode=require",
          "-c", "SELECT 1");
      assertEquals(0, hashedOverTls.exitCode(), hashedOverTls.output());
    }
  }
}
