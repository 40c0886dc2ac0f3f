package org.pmsql.jdbc;

import java.sql.Types;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * What DatabaseMetaData says of pmsql's catalog as JDBC tools read it: plain type names
 * ({@code TIMESTAMP}, not Calcite's {@code TIMESTAMP(3) NOT NULL}), column sizes as JDBC defines
 * them, and name patterns with JDBC's wildcards matched as unquoted names are, whatever their
 * case.
 */
public final class JdbcCatalog {
  /** The table types pmsql's tables have, as getTables reports them. */
  public static final String[] TABLE_TYPES = {"SYSTEM TABLE", "TABLE", "VIEW", "STREAM"};

  private JdbcCatalog() {}

  /** The type's name without its precision, nullability or character set. */
  public static String typeName(String fullTypeString) {
    int end = fullTypeString.length();
    for (int i = 0; i < fullTypeString.length(); i++) {
      char c = fullTypeString.charAt(i);
      if (c == '(' || c == ' ') {
        end = i;
        break;
      }
    }
    return fullTypeString.substring(0, end);
  }

  /**
   * COLUMN_SIZE: digits for numbers, characters for text (unbounded text as the largest
   * int), and the length of the text form for times ({@code 2018-01-01 15:00:00.123}: 23).
   */
  public static Integer columnSize(int jdbcType, int precision) {
    return switch (jdbcType) {
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE ->
          19 + (precision > 0 ? precision + 1 : 0);
      case Types.TIME, Types.TIME_WITH_TIMEZONE -> 8 + (precision > 0 ? precision + 1 : 0);
      case Types.DATE -> 10;
      case Types.TINYINT -> 3;
      case Types.SMALLINT -> 5;
      case Types.INTEGER -> 10;
      case Types.BIGINT -> 19;
      case Types.REAL -> 7;
      case Types.FLOAT, Types.DOUBLE -> 15;
      case Types.BOOLEAN, Types.BIT -> 1;
      case Types.CHAR, Types.VARCHAR, Types.BINARY, Types.VARBINARY ->
          precision > 0 ? precision : Integer.MAX_VALUE;
      default -> precision > 0 ? precision : null;
    };
  }

  /** DECIMAL_DIGITS: the scale of exact numbers, the fractional digits of times. */
  public static Integer decimalDigits(int jdbcType, Integer scale, int precision) {
    return switch (jdbcType) {
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE, Types.TIME, Types.TIME_WITH_TIMEZONE ->
          Math.max(precision, 0);
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> 0;
      case Types.DECIMAL, Types.NUMERIC -> scale == null ? 0 : scale;
      default -> null;
    };
  }

  /** CHAR_OCTET_LENGTH: bytes a character column may hold in UTF-8; none for others. */
  public static Integer charOctetLength(int jdbcType, int precision) {
    return jdbcType == Types.CHAR || jdbcType == Types.VARCHAR
        ? (precision > 0 && precision < Integer.MAX_VALUE / 4 ? precision * 4 : Integer.MAX_VALUE)
        : null;
  }

  /**
   * A JDBC name pattern ({@code %} any characters, {@code _} one, {@code \} escaping either)
   * as a test of names, without regard to case as unquoted identifiers match; null or
   * {@code %} matches every name.
   */
  public static Predicate<String> pattern(String pattern) {
    if (pattern == null || pattern.equals("%")) {
      return name -> true;
    }
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    Pattern compiled = Pattern.compile(regex.toString(),
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    return name -> name != null && compiled.matcher(name).matches();
  }
}
