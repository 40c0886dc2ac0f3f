package org.pmsql.pgsql;

import java.sql.Types;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The PostgreSQL types pmsql's columns are sent as: their OIDs (fixed in PostgreSQL's own
 * catalog, which clients hard-code), names, storage lengths and the names format_type shows.
 * Instants ({@code ts}) are timestamptz; JSON text ({@code labels}) is json.
 */
public enum PgType {
  BOOL(16, "bool", 1, "boolean", 'B'),
  BYTEA(17, "bytea", -1, "bytea", 'U'),
  CHAR(18, "char", 1, "\"char\"", 'S'),
  NAME(19, "name", 64, "name", 'S'),
  INT8(20, "int8", 8, "bigint", 'N'),
  INT2(21, "int2", 2, "smallint", 'N'),
  INT4(23, "int4", 4, "integer", 'N'),
  TEXT(25, "text", -1, "text", 'S'),
  OID(26, "oid", 4, "oid", 'N'),
  JSON(114, "json", -1, "json", 'U'),
  FLOAT4(700, "float4", 4, "real", 'N'),
  FLOAT8(701, "float8", 8, "double precision", 'N'),
  UNKNOWN(705, "unknown", -2, "unknown", 'X'),
  TEXT_ARRAY(1009, "_text", -1, "text[]", 'A'),
  VARCHAR(1043, "varchar", -1, "character varying", 'S'),
  DATE(1082, "date", 4, "date", 'D'),
  TIME(1083, "time", 8, "time without time zone", 'D'),
  TIMESTAMP(1114, "timestamp", 8, "timestamp without time zone", 'D'),
  TIMESTAMPTZ(1184, "timestamptz", 8, "timestamp with time zone", 'D'),
  NUMERIC(1700, "numeric", -1, "numeric", 'N');

  public final int oid;
  public final String typname;
  public final int length;
  public final String displayName;
  public final char category;

  PgType(int oid, String typname, int length, String displayName, char category) {
    this.oid = oid;
    this.typname = typname;
    this.length = length;
    this.displayName = displayName;
    this.category = category;
  }

  /** The type of a column of this SQL type; JSON text columns are named {@code labels}. */
  public static PgType of(SqlTypeName type, String columnName) {
    return switch (type) {
      case BOOLEAN -> BOOL;
      case TINYINT, SMALLINT -> INT2;
      case INTEGER -> INT4;
      case BIGINT -> INT8;
      case DECIMAL -> NUMERIC;
      case REAL -> FLOAT4;
      case FLOAT, DOUBLE -> FLOAT8;
      case DATE -> DATE;
      case TIME, TIME_WITH_LOCAL_TIME_ZONE -> TIME;
      case TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE, TIMESTAMP_TZ -> TIMESTAMPTZ;
      case BINARY, VARBINARY -> BYTEA;
      case ARRAY, MULTISET -> TEXT_ARRAY;
      case CHAR, VARCHAR -> "labels".equalsIgnoreCase(columnName) ? JSON : TEXT;
      default -> TEXT;
    };
  }

  /** The type of a result column of this {@link Types JDBC type}. */
  public static PgType ofJdbc(int jdbcType, String columnName) {
    return switch (jdbcType) {
      case Types.BOOLEAN, Types.BIT -> BOOL;
      case Types.TINYINT, Types.SMALLINT -> INT2;
      case Types.INTEGER -> INT4;
      case Types.BIGINT -> INT8;
      case Types.DECIMAL, Types.NUMERIC -> NUMERIC;
      case Types.REAL -> FLOAT4;
      case Types.FLOAT, Types.DOUBLE -> FLOAT8;
      case Types.DATE -> DATE;
      case Types.TIME, Types.TIME_WITH_TIMEZONE -> TIME;
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMPTZ;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY -> BYTEA;
      case Types.ARRAY -> TEXT_ARRAY;
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR -> "labels".equalsIgnoreCase(columnName)
          ? JSON : TEXT;
      default -> TEXT;
    };
  }

  /** The type of an OID, or null for one pmsql does not send. */
  public static PgType ofOid(int oid) {
    for (PgType t : values()) {
      if (t.oid == oid) {
        return t;
      }
    }
    return null;
  }

  /** A column's type modifier: numeric's precision and scale, else -1. */
  public static int typmod(PgType type, int precision, int scale) {
    return type == NUMERIC && precision > 0 && precision <= 1000
        ? (precision << 16 | Math.max(scale, 0)) + 4 : -1;
  }

  /** As format_type shows a type and modifier. */
  public static String format(int oid, int typmod) {
    PgType type = ofOid(oid);
    if (type == null) {
      return "???";
    }
    if (type == NUMERIC && typmod >= 4) {
      int m = typmod - 4;
      return "numeric(" + (m >> 16) + "," + (m & 0xffff) + ")";
    }
    return type.displayName;
  }
}
