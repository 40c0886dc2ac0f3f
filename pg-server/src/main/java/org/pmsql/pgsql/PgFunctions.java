package org.pmsql.pgsql;

import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;

/**
 * The functions PostgreSQL clients call on their own (version(), format_type, quote_ident,
 * pg_table_is_visible, ...) and those PostgreSQL users write (date_trunc, to_timestamp of an
 * epoch). Timestamps are Calcite's UTC milliseconds, so the JVM's zone plays no part.
 */
public final class PgFunctions {
  /** What version() says; server_version is {@value #SERVER_VERSION}. */
  public static final String SERVER_VERSION = "15.0";
  static final String VERSION = "PostgreSQL " + SERVER_VERSION + " (pmsql, SQL over PCP archives)"
      + " on x86_64-pc-linux-gnu, compiled by javac, 64-bit";
  /** The owner every object of pmsql's has. */
  public static final String OWNER = "pmsql";
  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

  private PgFunctions() {}

  /** Adds the functions to a schema (pg_catalog, and the root for unqualified calls). */
  static void register(SchemaPlus schema) {
    for (String name : new String[] {"version", "pg_get_userbyid", "pg_table_is_visible",
        "format_type", "obj_description", "col_description", "shobj_description",
        "pg_encoding_to_char", "quote_ident", "pg_date_trunc", "pg_to_timestamp", "pg_typeof",
        "has_table_privilege", "has_schema_privilege", "has_database_privilege",
        "pg_is_in_recovery", "pg_type_is_visible", "pg_function_is_visible"}) {
      schema.add(name, ScalarFunctionImpl.create(PgFunctions.class, name));
    }
    schema.add("pg_get_expr", ScalarFunctionImpl.create(PgFunctions.class, "pg_get_expr"));
    schema.add("pg_get_expr", ScalarFunctionImpl.create(PgFunctions.class, "pg_get_expr_pretty"));
    schema.add("obj_description", ScalarFunctionImpl.create(PgFunctions.class,
        "obj_description_of"));
  }

  public static String version() {
    return VERSION;
  }

  public static String pg_get_userbyid(Integer oid) {
    return OWNER;
  }

  public static boolean pg_table_is_visible(Integer oid) {
    return true;
  }

  public static boolean pg_type_is_visible(Integer oid) {
    return true;
  }

  public static boolean pg_function_is_visible(Integer oid) {
    return true;
  }

  public static String format_type(Integer oid, Integer typmod) {
    return oid == null ? null : PgType.format(oid, typmod == null ? -1 : typmod);
  }

  /** Nothing has a default expression or a description in pmsql's catalog. */
  public static String pg_get_expr(String expression, Integer relation) {
    return null;
  }

  public static String pg_get_expr_pretty(String expression, Integer relation, Boolean pretty) {
    return null;
  }

  public static String obj_description(Integer oid) {
    return null;
  }

  public static String obj_description_of(Integer oid, String catalog) {
    return null;
  }

  public static String col_description(Integer oid, Integer column) {
    return null;
  }

  public static String shobj_description(Integer oid, String catalog) {
    return null;
  }

  public static String pg_encoding_to_char(Integer encoding) {
    return "UTF8";
  }

  public static boolean has_table_privilege(String table, String privilege) {
    return "SELECT".equalsIgnoreCase(privilege.strip());
  }

  public static boolean has_schema_privilege(String schema, String privilege) {
    return "USAGE".equalsIgnoreCase(privilege.strip());
  }

  public static boolean has_database_privilege(String database, String privilege) {
    return "CONNECT".equalsIgnoreCase(privilege.strip());
  }

  public static boolean pg_is_in_recovery() {
    return false;
  }

  /** A name as PostgreSQL quotes it: only when it is not lower-case letters, digits and _. */
  public static String quote_ident(String name) {
    if (name == null) {
      return null;
    }
    return PLAIN_IDENTIFIER.matcher(name).matches() ? name
        : '"' + name.replace("\"", "\"\"") + '"';
  }

  /** The type of a value, as PostgreSQL names the type pmsql sends it as. */
  public static String pg_typeof(Object value) {
    if (value == null) {
      return "unknown";
    }
    PgType type = value instanceof Boolean ? PgType.BOOL
        : value instanceof Integer || value instanceof Short ? PgType.INT4
        : value instanceof Long ? PgType.INT8
        : value instanceof Double ? PgType.FLOAT8
        : value instanceof Float ? PgType.FLOAT4
        : value instanceof java.math.BigDecimal ? PgType.NUMERIC
        : value instanceof Timestamp ? PgType.TIMESTAMPTZ
        : PgType.TEXT;
    return type.displayName;
  }

  /** date_trunc(field, ts), on UTC's calendar. */
  public static Timestamp pg_date_trunc(String field, Timestamp ts) {
    if (field == null || ts == null) {
      return null;
    }
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(SqlFunctions.toLong(ts)),
        ZoneOffset.UTC);
    LocalDateTime truncated = switch (field.strip().toLowerCase(Locale.ROOT)) {
      case "microseconds", "milliseconds" -> t.truncatedTo(ChronoUnit.MILLIS);
      case "second" -> t.truncatedTo(ChronoUnit.SECONDS);
      case "minute" -> t.truncatedTo(ChronoUnit.MINUTES);
      case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
      case "day" -> t.truncatedTo(ChronoUnit.DAYS);
      case "week" -> t.truncatedTo(ChronoUnit.DAYS)
          .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case "month" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
      case "quarter" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1)
          .withMonth((t.getMonthValue() - 1) / 3 * 3 + 1);
      case "year" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
      case "decade" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1)
          .withYear(Math.floorDiv(t.getYear(), 10) * 10);
      default -> throw new IllegalArgumentException("date_trunc: unit \"" + field + "\" is not"
          + " one of microseconds, milliseconds, second, minute, hour, day, week, month,"
          + " quarter, year, decade");
    };
    return SqlFunctions.internalToTimestamp(truncated.toInstant(ZoneOffset.UTC).toEpochMilli());
  }

  /** to_timestamp(seconds since the epoch). */
  public static Timestamp pg_to_timestamp(Double seconds) {
    return seconds == null ? null
        : SqlFunctions.internalToTimestamp(Math.round(seconds * 1000));
  }
}
