package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.server.PcpServer;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * Timestamps are instants: in a JVM whose zone is not UTC, and with a session zone, every way a
 * client names a time (literals, text, Timestamp and java.time parameters) selects the rows
 * libpcp has after that instant, and every way it reads one back gives the same instant,
 * locally and through pmsql serve. The build runs the SQL tests in a JVM started in New York,
 * as a client there runs.
 */
class TimeZoneTest {
  private static final Path ARCHIVE = PcpTools.CORPUS.resolve("20180102");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final String TABLE = "\"kernel.all.load\"";
  private static Connection libpcp;
  /** An instant inside the archive, and libpcp's count of the table's rows after it. */
  private static Instant cut;
  private static long after;

  @BeforeAll
  static void setUp() throws Exception {
    assertEquals(NEW_YORK, ZoneId.systemDefault(), "run in a JVM started with"
        + " -Duser.timezone=America/New_York, as the sql-tests build does");
    libpcp = LibpcpReference.connect(ARCHIVE, false);
    List<Object[]> span = Sql.rows(libpcp, "SELECT min(ts_ns), max(ts_ns) FROM " + TABLE);
    long first = (Long) span.get(0)[0];
    long last = (Long) span.get(0)[1];
    cut = Instant.ofEpochMilli((first + (last - first) / 3) / 1_000_000L / 1000 * 1000);
    after = count(libpcp, "ts_ns > " + (cut.toEpochMilli() * 1_000_000L + 999_999L));
    assertTrue(after > 0 && after < count(libpcp, "TRUE"), "cut inside the archive");
  }

  @AfterAll
  static void tearDown() throws Exception {
    libpcp.close();
  }

  private static Connection connect(String zone) throws SQLException {
    Properties props = new Properties();
    props.setProperty("archives", ARCHIVE.toString());
    if (zone != null) {
      props.setProperty("timeZone", zone);
    }
    return DriverManager.getConnection("jdbc:pcp:", props);
  }

  private static long count(Connection c, String where) throws SQLException {
    return ((Number) Sql.rows(c, "SELECT count(*) FROM " + TABLE + " WHERE " + where)
        .get(0)[0]).longValue();
  }

  private static String wallClock(Instant instant, ZoneId zone) {
    return LocalDateTime.ofInstant(instant, zone).toString().replace('T', ' ');
  }

  @Test
  void literalsAreReadInTheSessionZoneNotTheJvms() throws Exception {
    try (Connection utc = connect(null); Connection ny = connect("America/New_York")) {
      assertEquals(after, count(utc, "ts > TIMESTAMP '" + wallClock(cut, ZoneOffset.UTC) + "'"));
      assertEquals(after, count(utc, "ts > '" + wallClock(cut, ZoneOffset.UTC) + "'"));
      assertEquals(after, count(ny, "ts > TIMESTAMP '" + wallClock(cut, NEW_YORK) + "'"));
      // what Spark sends: a Timestamp's text in its session zone
      assertEquals(after, count(ny, "ts > '" + Timestamp.from(cut) + "'"));
      // a range of text, as Spark partitions by time: gathered into one search argument
      long inRange = count(libpcp, "ts_ns >= " + cut.toEpochMilli() * 1_000_000L
          + " AND ts_ns < " + cut.plusSeconds(3600).toEpochMilli() * 1_000_000L);
      assertTrue(inRange > 0);
      assertEquals(inRange, count(ny, "\"ts\" >= '" + wallClock(cut, NEW_YORK) + "' AND \"ts\" < '"
          + wallClock(cut.plusSeconds(3600), NEW_YORK) + "'"));
      assertEquals(inRange, count(ny, "ts >= TIMESTAMP '" + wallClock(cut, NEW_YORK)
          + "' AND ts < TIMESTAMP '" + wallClock(cut.plusSeconds(3600), NEW_YORK) + "'"));
      assertEquals(after, count(ny, "ts > TIMESTAMP '" + wallClock(cut.plusSeconds(60), NEW_YORK)
          + "' - INTERVAL '1' MINUTE"));
      for (Connection c : List.of(utc, ny)) {
        assertEquals(after, count(c, "ts > '" + cut + "'"));
        assertEquals(after, count(c, "ts > '" + cut.atOffset(ZoneOffset.ofHours(2)) + "'"));
        assertEquals(after, count(c, "ts > CAST('" + cut + "' AS TIMESTAMP)"));
      }
    }
  }

  @Test
  void everyParameterKindNamesTheInstant() throws Exception {
    for (String zone : new String[] {null, "America/New_York"}) {
      ZoneId session = ZoneId.of(zone == null ? "UTC" : zone);
      try (Connection c = connect(zone); PreparedStatement s = c.prepareStatement(
          "SELECT count(*) FROM " + TABLE + " WHERE ts > ?")) {
        Object[] values = {Timestamp.from(cut), cut, cut.atOffset(ZoneOffset.ofHours(-7)),
            cut.atZone(ZoneId.of("Asia/Tokyo")), LocalDateTime.ofInstant(cut, session)};
        for (Object value : values) {
          s.setObject(1, value);
          assertEquals(after, single(s), value.getClass().getSimpleName());
          s.setObject(1, value, Types.TIMESTAMP);
          assertEquals(after, single(s), value.getClass().getSimpleName() + ", TIMESTAMP");
        }
        s.setTimestamp(1, Timestamp.from(cut));
        assertEquals(after, single(s), "setTimestamp");
        s.setString(1, cut.toString());
        assertEquals(after, single(s), "setString ISO");
        s.setString(1, wallClock(cut, session));
        assertEquals(after, single(s), "setString wall clock");
        SQLException e = assertThrows(SQLException.class, () -> s.setString(1, "noon"));
        assertTrue(e.getMessage().contains("'noon'"), e.getMessage());
      }
    }
  }

  private static long single(PreparedStatement s) throws SQLException {
    try (ResultSet rs = s.executeQuery()) {
      assertTrue(rs.next());
      return rs.getLong(1);
    }
  }

  @Test
  void valuesReadBackAsTheSameInstant() throws Exception {
    for (String zone : new String[] {null, "America/New_York"}) {
      ZoneId session = ZoneId.of(zone == null ? "UTC" : zone);
      try (Connection c = connect(zone); ResultSet rs = c.createStatement().executeQuery(
          "SELECT ts, ts_ns FROM " + TABLE + " LIMIT 5")) {
        while (rs.next()) {
          Instant instant = Instant.ofEpochMilli(Math.floorDiv(rs.getLong(2), 1_000_000L));
          assertEquals(instant, rs.getTimestamp(1).toInstant());
          assertEquals(instant, rs.getObject(1, Instant.class));
          assertEquals(instant, rs.getObject(1, Timestamp.class).toInstant());
          assertEquals(instant, rs.getObject(1, OffsetDateTime.class).toInstant());
          assertEquals(instant.atZone(session), rs.getObject(1, ZonedDateTime.class));
          assertEquals(LocalDateTime.ofInstant(instant, session),
              rs.getObject(1, LocalDateTime.class));
          assertEquals(instant.toEpochMilli(), rs.getObject(1, Long.class));
          assertEquals(wallClock(instant, ZoneOffset.UTC), rs.getObject(1, String.class));
          assertEquals(rs.getLong(2), rs.getObject("ts_ns", Long.class));
        }
      }
    }
  }

  /** CURRENT_TIMESTAMP is now, as ts is: not now moved by the session zone's offset. */
  @Test
  void currentTimestampIsNow() throws Exception {
    for (String zone : new String[] {null, "America/New_York", "Asia/Kolkata"}) {
      try (Connection c = connect(zone); ResultSet rs = c.createStatement().executeQuery(
          "SELECT CURRENT_TIMESTAMP, TIMESTAMPDIFF(SECOND, max(ts), CURRENT_TIMESTAMP)"
              + " FROM " + TABLE)) {
        assertTrue(rs.next());
        long now = System.currentTimeMillis();
        assertTrue(Math.abs(rs.getTimestamp(1).getTime() - now) < 60_000, zone);
        long lastMillis = (Long) Sql.rows(libpcp, "SELECT max(ts_ns) FROM " + TABLE)
            .get(0)[0] / 1_000_000L;
        assertTrue(Math.abs(rs.getLong(2) - (now - lastMillis) / 1000) < 60, zone);
      }
    }
  }

  @Test
  void textThatIsNoTimestampIsNamed() throws Exception {
    try (Connection c = connect(null)) {
      for (String text : List.of("garbage", "2018-13-01 00:00:00", "2018-02-30")) {
        SQLException e = assertThrows(SQLException.class,
            () -> count(c, "ts > '" + text + "'"));
        assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
        assertFalse(e.getMessage().contains("AssertionError"), e.getMessage());
      }
    }
  }

  /**
   * The stock Avatica client reads a timestamp on its own zone's wall clock: with timeZone=UTC,
   * as the README says, a client in any zone gets the instants, and its parameters select what
   * they name.
   */
  @Test
  void remoteTimestampsAreInstants() throws Exception {
    try (PcpServer server = PcpServer.start(PcpServer.Settings.loopback(ARCHIVE.toString(), 0));
        Connection remote = DriverManager.getConnection("jdbc:avatica:remote:url=http://127.0.0.1:"
            + server.port() + ";serialization=protobuf;timeZone=UTC")) {
      try (ResultSet rs = remote.createStatement().executeQuery(
          "SELECT ts, ts_ns FROM " + TABLE + " LIMIT 20")) {
        while (rs.next()) {
          assertEquals(Math.floorDiv(rs.getLong(2), 1_000_000L), rs.getTimestamp(1).getTime());
        }
      }
      try (PreparedStatement s = remote.prepareStatement(
          "SELECT count(*) FROM " + TABLE + " WHERE ts > ?")) {
        s.setTimestamp(1, Timestamp.from(cut));
        assertEquals(after, single(s), "setTimestamp");
        s.setString(1, cut.toString());
        assertEquals(after, single(s), "setString ISO");
      }
      assertEquals(after, count(remote, "ts > '" + cut + "'"));
    }
  }
}
