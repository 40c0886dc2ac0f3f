package org.apache.calcite.avatica.jdbc;

import com.google.common.base.Optional;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Calendar;
import java.util.TimeZone;
import org.apache.calcite.avatica.Meta;

/**
 * The package-private pieces of Avatica's JdbcMeta that pmsql's server builds on. It sits in
 * Avatica's package only for them: a copy of the per-type row conversion would drift from the
 * one the server uses for every other result.
 */
public final class JdbcMetaInternals {
  private JdbcMetaInternals() {}

  /** Reads up to {@code rows} rows; the frame is done (and the result set closed) at its end. */
  public static Meta.Frame frame(ResultSet resultSet, int rows, Calendar calendar,
      Meta.Signature signature) throws SQLException {
    return JdbcResultSet.frame(null, resultSet, 0, rows, calendar, Optional.of(signature));
  }

  /**
   * Makes the server convert timestamps at UTC, as jdbc:pcp: connections hold them. JdbcMeta
   * converts at the server JVM's zone, so a server started outside UTC moved every timestamp
   * parameter a client sent by its zone's offset.
   */
  public static void convertTimestampsAtUtc(JdbcMeta meta) {
    meta.calendar.setTimeZone(TimeZone.getTimeZone("UTC"));
  }

  /** The JDBC statement behind a statement handle's cache entry. */
  public static Statement statement(StatementInfo info) {
    return info.statement;
  }
}
