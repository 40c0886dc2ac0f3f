package org.pmsql.jdbc;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.pmsql.sql.TimestampText;

/**
 * JDBC 4.2 values for a connection whose timestamps are instants: java.time parameters, text
 * for timestamp parameters, and {@code getObject(column, Class)}. Date-times without a zone
 * (LocalDateTime, LocalDate, zone-less text) are read on the session zone's wall clock, and
 * shown on it.
 */
public final class JdbcValues {
  private JdbcValues() {}

  /** The session zone a timeZone property names; UTC when it names none. */
  public static ZoneId sessionZone(String timeZone) {
    return timeZone == null ? ZoneId.of("UTC") : ZoneId.of(timeZone);
  }

  public static boolean isTimestamp(int sqlType) {
    return sqlType == Types.TIMESTAMP || sqlType == Types.TIMESTAMP_WITH_TIMEZONE;
  }

  /** getColumnDisplaySize as JDBC defines it ({@link JdbcCatalog#columnSize}). */
  public static int displaySize(int sqlType, int precision) {
    Integer size = JdbcCatalog.columnSize(sqlType, precision);
    return size == null ? 0 : size;
  }

  /**
   * Sets parameter {@code index} of {@code statement} to the instant {@code x} names and says
   * so, or leaves it and says not: java.time values and Dates always, text where the target
   * or the parameter is a timestamp.
   */
  public static boolean setInstant(PreparedStatement statement, int index, Object x,
      ZoneId zone, boolean timestampTarget) throws SQLException {
    boolean wanted = timestampTarget
        || x instanceof String && isTimestamp(statement.getParameterMetaData()
            .getParameterType(index));
    Timestamp instant = x == null ? null : instant(x, zone, wanted);
    if (instant == null) {
      return false;
    }
    statement.setTimestamp(index, instant);
    return true;
  }

  /**
   * The instant a parameter value names, or null when it is none: a java.time date-time or a
   * Date always, text only where {@code timestampWanted} (a timestamp parameter or target).
   */
  public static Timestamp instant(Object x, ZoneId zone, boolean timestampWanted)
      throws SQLException {
    Instant instant;
    if (x instanceof Timestamp t) {
      return t;
    } else if (x instanceof java.util.Date d) {
      instant = d.toInstant();
    } else if (x instanceof Instant i) {
      instant = i;
    } else if (x instanceof OffsetDateTime o) {
      instant = o.toInstant();
    } else if (x instanceof ZonedDateTime z) {
      instant = z.toInstant();
    } else if (x instanceof LocalDateTime l) {
      instant = l.atZone(zone).toInstant();
    } else if (x instanceof LocalDate d) {
      instant = d.atStartOfDay(zone).toInstant();
    } else if (x instanceof String text && timestampWanted) {
      try {
        return new Timestamp(TimestampText.epochMillis(text, zone));
      } catch (IllegalArgumentException e) {
        throw new SQLDataException(e.getMessage(), "22007");
      }
    } else {
      return null;
    }
    return Timestamp.from(instant);
  }

  /** {@code rs.getObject(column, type)} for the classes JDBC 4.2 names, and the column's own. */
  public static <T> T get(ResultSet rs, int column, Class<T> type, ZoneId zone)
      throws SQLException {
    Object value = type == String.class ? rs.getString(column)
        : rs.getMetaData().getColumnType(column) == Types.TIMESTAMP
        ? timestamp(rs.getTimestamp(column), type, zone) : plain(rs, column, type);
    if (value == null || rs.wasNull()) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw new SQLDataException("column " + rs.getMetaData().getColumnLabel(column) + " ("
          + rs.getMetaData().getColumnTypeName(column) + ") cannot be read as "
          + type.getName(), "22018");
    }
    return type.cast(value);
  }

  private static Object timestamp(Timestamp t, Class<?> type, ZoneId zone) {
    if (t == null) {
      return null;
    }
    Instant instant = t.toInstant();
    if (type == Instant.class) {
      return instant;
    } else if (type == OffsetDateTime.class) {
      return instant.atZone(zone).toOffsetDateTime();
    } else if (type == ZonedDateTime.class) {
      return instant.atZone(zone);
    } else if (type == LocalDateTime.class) {
      return LocalDateTime.ofInstant(instant, zone);
    } else if (type == LocalDate.class) {
      return LocalDate.ofInstant(instant, zone);
    } else if (type == Long.class) {
      return t.getTime();
    }
    return t;
  }

  private static Object plain(ResultSet rs, int column, Class<?> type) throws SQLException {
    if (type == Integer.class) {
      return rs.getInt(column);
    } else if (type == Long.class) {
      return rs.getLong(column);
    } else if (type == Short.class) {
      return rs.getShort(column);
    } else if (type == Byte.class) {
      return rs.getByte(column);
    } else if (type == Double.class) {
      return rs.getDouble(column);
    } else if (type == Float.class) {
      return rs.getFloat(column);
    } else if (type == Boolean.class) {
      return rs.getBoolean(column);
    } else if (type == BigDecimal.class) {
      return rs.getBigDecimal(column);
    } else if (type == BigInteger.class) {
      BigDecimal exact = rs.getBigDecimal(column);
      try {
        return exact == null ? null : exact.toBigIntegerExact();
      } catch (ArithmeticException e) {
        throw new SQLDataException("column " + rs.getMetaData().getColumnLabel(column)
            + " holds " + exact + ", not a whole number", "22003");
      }
    } else if (type == byte[].class) {
      return rs.getBytes(column);
    }
    return rs.getObject(column);
  }
}
