package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * pgjdbc, PostgreSQL's own JDBC driver, against {@code pmsql serve --pg-port} in this JVM: every
 * answer compared with local jdbc:pcp: over the same archive.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PgJdbcTest {
  private static final String ALL_VALUES = "SELECT ts, ts_ns, metric, inst, instance, val,"
      + " val_text, val_exact, rate FROM vm.metrics ORDER BY ts_ns, metric, inst";
  private static PgFixture pg;
  private static Connection local;

  @BeforeAll
  static void start() throws Exception {
    pg = PgFixture.loopback();
    local = PgFixture.local();
  }

  @AfterAll
  static void stop() throws Exception {
    local.close();
    pg.close();
  }

  @Test
  void everyValueAsLocalPmsqlReadsItInTextAndBinary() throws Exception {
    List<String> expected = values(local, false);
    assertEquals(1330, expected.size());
    // prepareThreshold=0: unnamed statements, text results; -1: prepared, binary results
    for (String mode : List.of("prepareThreshold=0", "prepareThreshold=-1")) {
      try (Connection c = PgFixture.connect(pg.url(mode))) {
        assertEquals(expected, values(c, true), mode);
      }
    }
  }

  private static List<String> values(Connection c, boolean pgjdbc) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(ALL_VALUES)) {
      while (r.next()) {
        Instant ts = pgjdbc ? r.getObject(1, OffsetDateTime.class).toInstant()
            : r.getObject(1, Instant.class);
        double val = r.getDouble(6);
        Object valOrNull = r.wasNull() ? null : val;
        double rate = r.getDouble(9);
        Object rateOrNull = r.wasNull() ? null : rate;
        BigDecimal exact = r.getBigDecimal(8);
        rows.add(ts + "|" + r.getLong(2) + "|" + r.getString(3) + "|" + r.getObject(4) + "|"
            + r.getString(5) + "|" + valOrNull + "|" + r.getString(7) + "|" + exact + "|"
            + rateOrNull);
      }
    }
    return rows;
  }

  @Test
  void timestampParametersSelectTheSameRowsAsLocally() throws Exception {
    Instant from = Instant.parse("2026-11-25T02:23:50Z");
    Instant to = Instant.parse("2026-11-25T02:24:10Z");
    String sql = "SELECT count(*) FROM vm.metrics WHERE ts > ? AND ts <= ?";
    long expected;
    try (PreparedStatement p = local.prepareStatement(sql)) {
      p.setObject(1, from);
      p.setObject(2, to);
      expected = count(p);
    }
    assertTrue(expected > 0 && expected < 1330, "a window inside the archive: " + expected);
    for (String mode : List.of("prepareThreshold=0", "prepareThreshold=-1")) {
      try (Connection c = PgFixture.connect(pg.url(mode));
          PreparedStatement p = c.prepareStatement(sql)) {
        p.setObject(1, from.atOffset(ZoneOffset.ofHours(5)));
        p.setObject(2, to.atOffset(ZoneOffset.UTC));
        assertEquals(expected, count(p), mode + ", OffsetDateTime");
        p.setTimestamp(1, Timestamp.from(from));
        p.setTimestamp(2, Timestamp.from(to));
        assertEquals(expected, count(p), mode + ", Timestamp");
      }
    }
  }

  private static long count(PreparedStatement p) throws SQLException {
    try (ResultSet r = p.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  @Test
  void fetchSizeReadsThroughPortalsInBatches() throws Exception {
    List<List<String>> expected = PgFixture.rows(local, "SELECT ts_ns, metric, val FROM"
        + " vm.metrics ORDER BY ts_ns, metric, inst");
    try (Connection c = PgFixture.connect(pg.url(""))) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setFetchSize(100);
        try (ResultSet r = s.executeQuery("SELECT ts_ns, metric, val FROM vm.metrics ORDER BY"
            + " ts_ns, metric, inst")) {
          assertEquals(expected, PgFixture.rows(r));
        }
      }
      c.commit();
    }
  }

  /** ILIKE was pushed to the scan as a case-sensitive metric prefix: it found no rows. */
  @Test
  void ilikeMatchesWithoutRegardToCase() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      List<List<String>> insensitive = PgFixture.rows(c,
          "SELECT count(*) FROM vm.metrics WHERE metric ILIKE 'KERNEL.%'");
      List<List<String>> lower = PgFixture.rows(c,
          "SELECT count(*) FROM vm.metrics WHERE metric LIKE 'kernel.%'");
      assertEquals(lower, insensitive);
      assertTrue(Long.parseLong(lower.get(0).get(0)) > 0);
    }
  }

  @Test
  void databaseMetaDataAsBiToolsReadIt() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      DatabaseMetaData md = c.getMetaData();
      assertEquals("PostgreSQL", md.getDatabaseProductName());
      List<String> schemas = new ArrayList<>();
      try (ResultSet r = md.getSchemas()) {
        while (r.next()) {
          schemas.add(r.getString("TABLE_SCHEM"));
        }
      }
      assertTrue(schemas.containsAll(List.of("vm", "pcp", "pcp_all")), schemas.toString());
      List<String> tables = new ArrayList<>();
      try (ResultSet r = md.getTables(null, "vm", "%", new String[] {"TABLE"})) {
        while (r.next()) {
          tables.add(r.getString("TABLE_NAME"));
        }
      }
      List<String> localTables = new ArrayList<>();
      try (ResultSet r = local.getMetaData().getTables(null, "vm", "%", null)) {
        while (r.next()) {
          localTables.add(r.getString("TABLE_NAME"));
        }
      }
      assertEquals(localTables.stream().sorted().toList(), tables.stream().sorted().toList());
      List<String> columns = new ArrayList<>();
      try (ResultSet r = md.getColumns(null, "vm", "metrics", "%")) {
        while (r.next()) {
          columns.add(r.getString("COLUMN_NAME") + " " + r.getString("TYPE_NAME")
              + (r.getString("TYPE_NAME").equals("numeric") ? "(" + r.getInt("COLUMN_SIZE")
                  + ")" : ""));
        }
      }
      assertEquals(List.of("ts timestamptz", "ts_ns int8", "metric text", "inst int4",
          "instance text", "val float8", "val_text text", "val_exact numeric(20)",
          "rate float8"), columns);
      try (ResultSet r = md.getPrimaryKeys(null, "vm", "metrics")) {
        assertFalse(r.next());
      }
      try (ResultSet r = md.getImportedKeys(null, "vm", "metrics")) {
        assertFalse(r.next());
      }
    }
  }

  @Test
  void aHikariPoolRunsQueriesConcurrently() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.url(""));
    config.setMaximumPoolSize(4);
    String sql = "SELECT metric, count(*), sum(val) FROM vm.metrics GROUP BY metric ORDER BY 1";
    List<List<String>> expected = PgFixture.rows(local, sql);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (HikariDataSource source = new HikariDataSource(config)) {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 10; i++) {
            try (Connection c = source.getConnection()) {
              assertEquals(expected, PgFixture.rows(c, sql));
            }
          }
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void cancelEndsARunningQueryAndTheConnectionGoesOn() throws Exception {
    try (Connection c = PgFixture.connect(pg.url("")); Statement s = c.createStatement()) {
      Thread canceller = new Thread(() -> {
        try {
          Thread.sleep(1500);
          s.cancel();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      canceller.start();
      long started = System.nanoTime();
      SQLException e = assertThrows(SQLException.class, () -> s.executeQuery(
          "SELECT count(*) FROM vm.metrics a, vm.metrics b, vm.metrics c"));
      canceller.join();
      assertEquals("57014", e.getSQLState(), e.getMessage());
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(30));
      assertEquals(List.of(List.of("1330")), PgFixture.rows(c,
          "SELECT count(*) FROM vm.metrics"));
    }
  }

  @Test
  void aStreamSendsItsRowsAndEndsWhenClosed() throws Exception {
    List<String> history = new ArrayList<>();
    try (Statement s = local.createStatement(); ResultSet r = s.executeQuery("SELECT ts_ns, ts,"
        + " val FROM vm.\"kernel.all.load\" ORDER BY ts_ns, inst")) {
      while (r.next()) {
        history.add(r.getLong(1) + "|" + r.getObject(2, Instant.class) + "|" + r.getDouble(3));
      }
    }
    for (String mode : List.of("prepareThreshold=0", "prepareThreshold=-1")) {
      try (Connection c = PgFixture.connect(pg.url(mode))) {
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.setFetchSize(25);
          ResultSet r = s.executeQuery("SELECT STREAM ts_ns, ts, val FROM"
              + " vm.\"live:kernel.all.load\" WHERE ts > TIMESTAMP '2000-01-01 00:00:00'");
          List<String> streamed = new ArrayList<>();
          while (streamed.size() < history.size() && r.next()) {
            streamed.add(r.getLong(1) + "|" + r.getObject(2, OffsetDateTime.class).toInstant()
                + "|" + r.getDouble(3));
          }
          assertEquals(history, streamed, mode);
          assertEquals(List.of(List.of("1")), PgFixture.rows(c,
              "SELECT streams FROM pcp.server_status"));
          r.close();
        }
        c.commit();
        assertEquals(List.of(List.of("0")), PgFixture.rows(c,
            "SELECT streams FROM pcp.server_status"));
      }
    }
  }

  @Test
  void errorsAreOneLineWithTheirSqlStateAndTheSessionGoesOn() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      SQLException syntax = assertThrows(SQLException.class, () -> PgFixture.rows(c,
          "SELECT FROM WHERE"));
      assertEquals("42601", syntax.getSQLState());
      SQLException table = assertThrows(SQLException.class, () -> PgFixture.rows(c,
          "SELECT * FROM vm.no_such_table"));
      assertEquals("42P01", table.getSQLState(), table.getMessage());
      assertFalse(table.getMessage().contains("\n"), table.getMessage());
      SQLException column = assertThrows(SQLException.class, () -> PgFixture.rows(c,
          "SELECT no_such_column FROM vm.metrics"));
      assertEquals("42703", column.getSQLState(), column.getMessage());
      assertEquals(List.of(List.of("1330")), PgFixture.rows(c,
          "SELECT count(*) FROM vm.metrics"));
    }
  }

  @Test
  void aFailedTransactionRefusesUntilRolledBack() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      c.setAutoCommit(false);
      assertThrows(SQLException.class, () -> PgFixture.rows(c, "SELECT * FROM vm.nothing"));
      SQLException aborted = assertThrows(SQLException.class, () -> PgFixture.rows(c,
          "SELECT 1"));
      assertEquals("25P02", aborted.getSQLState());
      c.rollback();
      assertEquals(List.of(List.of("1")), PgFixture.rows(c, "SELECT 1"));
    }
  }

  /** An idle session was cut off after half a second: its wait's deadline overflowed. */
  @Test
  void anIdleSessionStaysOpen() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""))) {
      PgFixture.rows(c, "SELECT 1");
      Thread.sleep(2500);
      assertEquals(List.of(List.of("1330")), PgFixture.rows(c, "SELECT count(*) FROM"
          + " vm.metrics"));
    }
  }

  @Test
  void namesAndSettingsAsPostgresqlGivesThem() throws Exception {
    try (Connection c = PgFixture.connect(pg.url(""));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT metric, count(*), avg(val), 1 + 1, version(),"
            + " current_setting('server_version_num')::int / 100 AS v FROM vm.metrics"
            + " GROUP BY metric LIMIT 1")) {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
        names.add(r.getMetaData().getColumnLabel(i));
      }
      assertEquals(List.of("metric", "count", "avg", "?column?", "version", "v"), names);
      assertTrue(r.next());
      assertTrue(r.getString(5).startsWith("PostgreSQL 15"), r.getString(5));
      assertEquals(1500, r.getInt(6));
    }
    try (Connection c = PgFixture.connect(pg.url(""))) {
      try (Statement s = c.createStatement()) {
        s.execute("SET TimeZone = 'Asia/Kolkata'");
      }
      assertEquals(List.of(List.of("Asia/Kolkata")), PgFixture.rows(c, "SHOW TimeZone"));
      SQLException bad = assertThrows(SQLException.class, () -> {
        try (Statement s = c.createStatement()) {
          s.execute("SET TimeZone = 'Mars/Olympus'");
        }
      });
      assertTrue(bad.getMessage().contains("Mars/Olympus"), bad.getMessage());
    }
  }
}
