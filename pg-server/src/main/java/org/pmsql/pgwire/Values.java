package org.pmsql.pgwire;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmsql.pgsql.PgType;

/**
 * Values in PostgreSQL's text and binary formats: result columns written straight from a
 * result set into the reply (whole numbers without a string), and parameters read as the
 * client sent them. Instants are written on the session's zone, with its offset, as
 * PostgreSQL writes timestamptz; the JVM's zone plays no part.
 */
final class Values {
  /** Microseconds from the Unix epoch to PostgreSQL's, 2000-01-01. */
  private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
  private static final long PG_EPOCH_DAYS = 10_957;
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);
  private static final Pattern TIMESTAMP = Pattern.compile(
      "\\s*(\\d{4}-\\d{1,2}-\\d{1,2})(?:[ T](\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?))?"
      + "\\s*(Z|z|UTC|[+-]\\d{1,2}(?::?\\d{2}(?::?\\d{2})?)?)?\\s*");

  private Values() {}

  /** Writes one column of the current row. */
  interface Column {
    void write(ResultSet rows, int index, Backend out) throws SQLException;
  }

  /** How a column of this type is written in this format (0 text, 1 binary). */
  static Column column(PgType type, int format, ZoneId zone) {
    boolean binary = format == 1;
    return switch (type) {
      case BOOL -> (rs, i, out) -> {
        boolean v = rs.getBoolean(i);
        if (rs.wasNull()) {
          out.int32(-1);
        } else if (binary) {
          out.int32(1).int8(v ? 1 : 0);
        } else {
          out.int32(1).int8(v ? 't' : 'f');
        }
      };
      case INT2, INT4, INT8 -> (rs, i, out) -> {
        long v = rs.getLong(i);
        if (rs.wasNull()) {
          out.int32(-1);
        } else if (!binary) {
          out.textLong(v);
        } else if (type == PgType.INT8) {
          out.int32(8).int64(v);
        } else if (type == PgType.INT4) {
          out.int32(4).int32((int) v);
        } else {
          out.int32(2).int16((int) v);
        }
      };
      case FLOAT4, FLOAT8 -> (rs, i, out) -> {
        double v = rs.getDouble(i);
        if (rs.wasNull()) {
          out.int32(-1);
        } else if (!binary) {
          out.textAscii(floatText(v));
        } else if (type == PgType.FLOAT8) {
          out.int32(8).int64(Double.doubleToLongBits(v));
        } else {
          out.int32(4).int32(Float.floatToIntBits((float) v));
        }
      };
      case NUMERIC -> (rs, i, out) -> {
        BigDecimal v = rs.getBigDecimal(i);
        if (v == null) {
          out.int32(-1);
        } else if (binary) {
          out.value(numericBinary(v));
        } else {
          out.textAscii(v.toPlainString());
        }
      };
      // a timestamp's long is its instant in epoch milliseconds, as getTimestamp's getTime()
      // is in any JVM and session zone, without making a Timestamp of each value
      case TIMESTAMPTZ, TIMESTAMP -> binary ? (rs, i, out) -> {
        long millis = rs.getLong(i);
        if (rs.wasNull()) {
          out.int32(-1);
        } else {
          out.int32(8).int64(Math.multiplyExact(millis, 1000L) - PG_EPOCH_MICROS);
        }
      } : new TimestampText(zone);
      case DATE -> (rs, i, out) -> {
        String v = rs.getString(i);
        if (v == null) {
          out.int32(-1);
        } else if (binary) {
          out.int32(4).int32((int) (LocalDate.parse(v).toEpochDay() - PG_EPOCH_DAYS));
        } else {
          out.textAscii(v);
        }
      };
      case TIME -> (rs, i, out) -> {
        String v = rs.getString(i);
        if (v == null) {
          out.int32(-1);
        } else if (binary) {
          out.int32(8).int64(LocalTime.parse(v).toNanoOfDay() / 1000);
        } else {
          out.textAscii(v);
        }
      };
      case BYTEA -> (rs, i, out) -> {
        byte[] v = rs.getBytes(i);
        out.value(v == null ? null : binary ? v : byteaText(v));
      };
      case TEXT_ARRAY -> (rs, i, out) -> {
        Array v = rs.getArray(i);
        if (v == null) {
          out.int32(-1);
          return;
        }
        List<String> items = new ArrayList<>();
        for (Object o : (Object[]) v.getArray()) {
          items.add(o == null ? null : String.valueOf(o));
        }
        out.value(binary ? textArrayBinary(items) : textArrayText(items)
            .getBytes(StandardCharsets.UTF_8));
      };
      default -> new Text();
    };
  }

  /**
   * timestamptz as text, the last one's text kept: the rows of a sample share its timestamp,
   * so most values are written without formatting anything.
   */
  private static final class TimestampText implements Column {
    private final ZoneId zone;
    private long last = Long.MIN_VALUE;
    private String lastText;

    TimestampText(ZoneId zone) {
      this.zone = zone;
    }

    @Override
    public void write(ResultSet rows, int index, Backend out) throws SQLException {
      long millis = rows.getLong(index);
      if (rows.wasNull()) {
        out.int32(-1);
        return;
      }
      if (millis != last || lastText == null) {
        last = millis;
        lastText = timestamptzText(Instant.ofEpochMilli(millis), zone);
      }
      out.textAscii(lastText);
    }
  }

  /**
   * Text in UTF-8, the last value's bytes kept: a metric's or instance's name comes as the same
   * string row after row, and is encoded once.
   */
  private static final class Text implements Column {
    private String last;
    private byte[] lastBytes;

    @Override
    public void write(ResultSet rows, int index, Backend out) throws SQLException {
      String v = rows.getString(index);
      if (v == null) {
        out.int32(-1);
        return;
      }
      if (!v.equals(last)) {
        last = v;
        lastBytes = v.getBytes(StandardCharsets.UTF_8);
      }
      out.value(lastBytes);
    }
  }

  /** A value of a utility result (SHOW) or a fixed column, as text. */
  static byte[] text(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A double as PostgreSQL writes float8 by default (extra_float_digits 1): the shortest text
   * that reads back as the same double, in exponent form below 1e-4 and from 1e15. Made from
   * Java's shortest digits by moving the point, without BigDecimal (this is per value).
   */
  static String floatText(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Infinity" : "-Infinity";
    }
    if (v == 0) {
      return 1 / v < 0 ? "-0" : "0";
    }
    String java = Double.toString(Math.abs(v));
    int e = java.indexOf('E');
    String mantissa = e < 0 ? java : java.substring(0, e);
    int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
    int point = mantissa.indexOf('.');
    StringBuilder digits = new StringBuilder(mantissa.length());
    digits.append(mantissa, 0, point).append(mantissa, point + 1, mantissa.length());
    // the decimal exponent of the first digit: digits d1 d2 ... mean 0.d1d2... x 10^(decimal)
    int decimal = point + exponent;
    int lead = 0;
    while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
      lead++;
    }
    decimal -= lead;
    digits.delete(0, lead);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    digits.setLength(end);
    int scientific = decimal - 1;
    StringBuilder s = new StringBuilder(24);
    if (v < 0) {
      s.append('-');
    }
    if (scientific < -4 || scientific >= 15) {
      s.append(digits.charAt(0));
      if (digits.length() > 1) {
        s.append('.').append(digits, 1, digits.length());
      }
      s.append('e').append(scientific < 0 ? '-' : '+');
      int abs = Math.abs(scientific);
      if (abs < 10) {
        s.append('0');
      }
      return s.append(abs).toString();
    }
    if (decimal <= 0) {
      s.append("0.");
      for (int i = decimal; i < 0; i++) {
        s.append('0');
      }
      return s.append(digits).toString();
    }
    if (digits.length() <= decimal) {
      s.append(digits);
      for (int i = digits.length(); i < decimal; i++) {
        s.append('0');
      }
      return s.toString();
    }
    return s.append(digits, 0, decimal).append('.').append(digits, decimal, digits.length())
        .toString();
  }

  /** An instant as PostgreSQL writes timestamptz on a zone: 2026-11-25 02:23:35.069+00. */
  static String timestamptzText(Instant instant, ZoneId zone) {
    int offset = zone.getRules().getOffset(instant).getTotalSeconds();
    long local = instant.getEpochSecond() + offset;
    long days = Math.floorDiv(local, 86_400);
    int secondOfDay = (int) Math.floorMod(local, 86_400);
    LocalDate date = LocalDate.ofEpochDay(days);
    char[] c = new char[40];
    int n = 0;
    int year = date.getYear();
    if (year < 1000 || year > 9999) {
      return DATE_TIME.format(instant.atZone(zone)) + fractionAndOffset(instant, offset);
    }
    n = digits(c, n, year, 4);
    c[n++] = '-';
    n = digits(c, n, date.getMonthValue(), 2);
    c[n++] = '-';
    n = digits(c, n, date.getDayOfMonth(), 2);
    c[n++] = ' ';
    n = digits(c, n, secondOfDay / 3600, 2);
    c[n++] = ':';
    n = digits(c, n, secondOfDay / 60 % 60, 2);
    c[n++] = ':';
    n = digits(c, n, secondOfDay % 60, 2);
    return new String(c, 0, n) + fractionAndOffset(instant, offset);
  }

  private static String fractionAndOffset(Instant instant, int offset) {
    char[] c = new char[20];
    int n = 0;
    int micros = instant.getNano() / 1000;
    if (micros != 0) {
      c[n++] = '.';
      int width = 6;
      while (micros % 10 == 0) {
        micros /= 10;
        width--;
      }
      n = digits(c, n, micros, width);
    }
    c[n++] = offset < 0 ? '-' : '+';
    int abs = Math.abs(offset);
    n = digits(c, n, abs / 3600, 2);
    if (abs % 3600 != 0) {
      c[n++] = ':';
      n = digits(c, n, abs % 3600 / 60, 2);
      if (abs % 60 != 0) {
        c[n++] = ':';
        n = digits(c, n, abs % 60, 2);
      }
    }
    return new String(c, 0, n);
  }

  private static int digits(char[] into, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      into[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }

  private static byte[] byteaText(byte[] v) {
    StringBuilder s = new StringBuilder(2 + v.length * 2).append("\\x");
    for (byte b : v) {
      s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return s.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static String textArrayText(List<String> items) {
    StringBuilder s = new StringBuilder("{");
    for (int k = 0; k < items.size(); k++) {
      if (k > 0) {
        s.append(',');
      }
      String item = items.get(k);
      if (item == null) {
        s.append("NULL");
      } else {
        s.append('"').append(item.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      }
    }
    return s.append('}').toString();
  }

  private static byte[] textArrayBinary(List<String> items) {
    List<byte[]> encoded = new ArrayList<>();
    int size = 20;
    boolean nulls = false;
    for (String item : items) {
      byte[] b = item == null ? null : item.getBytes(StandardCharsets.UTF_8);
      encoded.add(b);
      size += 4 + (b == null ? 0 : b.length);
      nulls |= b == null;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putInt(1).putInt(nulls ? 1 : 0).putInt(PgType.TEXT.oid).putInt(items.size()).putInt(1);
    for (byte[] b : encoded) {
      if (b == null) {
        out.putInt(-1);
      } else {
        out.putInt(b.length).put(b);
      }
    }
    return out.array();
  }

  /** numeric's binary form: base-10000 digits, a weight, a sign and a display scale. */
  static byte[] numericBinary(BigDecimal v) {
    int scale = Math.max(v.scale(), 0);
    BigInteger unscaled = v.setScale(scale).unscaledValue().abs();
    // digits are grouped from the decimal point: pad the fraction to whole groups of four
    int fractionGroups = (scale + 3) / 4;
    BigInteger scaled = unscaled.multiply(BigInteger.TEN.pow(fractionGroups * 4 - scale));
    List<Integer> groups = new ArrayList<>();
    BigInteger tenThousand = BigInteger.valueOf(10_000);
    while (scaled.signum() > 0) {
      BigInteger[] qr = scaled.divideAndRemainder(tenThousand);
      groups.add(0, qr[1].intValue());
      scaled = qr[0];
    }
    int weight = groups.size() - fractionGroups - 1;
    while (!groups.isEmpty() && groups.get(groups.size() - 1) == 0) {
      groups.remove(groups.size() - 1);
    }
    while (!groups.isEmpty() && groups.get(0) == 0) {
      groups.remove(0);
      weight--;
    }
    ByteBuffer out = ByteBuffer.allocate(8 + 2 * groups.size());
    out.putShort((short) groups.size()).putShort((short) (groups.isEmpty() ? 0 : weight))
        .putShort((short) (v.signum() < 0 ? 0x4000 : 0)).putShort((short) scale);
    groups.forEach(g -> out.putShort(g.shortValue()));
    return out.array();
  }

  // ---- parameters ----

  /**
   * A parameter as the client sent it, as the Java value pmsql's statement takes: by the type
   * the client named, else by the type the statement expects there ({@code expected}, a
   * {@link PgType}), text parsed as PostgreSQL reads it.
   */
  static Object parameter(byte[] value, int format, PgType named, PgType expected,
      ZoneId zone) {
    if (value == null) {
      return null;
    }
    PgType type = named != null && named != PgType.UNKNOWN ? named : expected;
    if (format == 1) {
      return binaryParameter(value, type);
    }
    String text = new String(value, StandardCharsets.UTF_8);
    try {
      return switch (type == null ? PgType.TEXT : type) {
        case BOOL -> switch (text.strip().toLowerCase(Locale.ROOT)) {
          case "t", "true", "y", "yes", "on", "1" -> true;
          case "f", "false", "n", "no", "off", "0" -> false;
          default -> throw new IllegalArgumentException("invalid input syntax for type boolean:"
              + " \"" + text + "\"");
        };
        case INT2, INT4 -> Integer.parseInt(text.strip());
        case INT8, OID -> Long.parseLong(text.strip());
        case FLOAT4, FLOAT8 -> Double.parseDouble(text.strip());
        case NUMERIC -> new BigDecimal(text.strip());
        case TIMESTAMPTZ, TIMESTAMP -> instant(text, zone);
        case DATE -> LocalDate.parse(text.strip());
        default -> text;
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid input syntax for type " + type.displayName
          + ": \"" + text + "\"");
    }
  }

  private static Object binaryParameter(byte[] value, PgType type) {
    ByteBuffer b = ByteBuffer.wrap(value);
    PgType t = type == null ? PgType.TEXT : type;
    int expected = switch (t) {
      case BOOL -> 1;
      case INT2 -> 2;
      case INT4, FLOAT4, OID, DATE -> 4;
      case INT8, FLOAT8, TIMESTAMPTZ, TIMESTAMP -> 8;
      default -> -1;
    };
    if (expected >= 0 && value.length != expected) {
      throw new IllegalArgumentException("a binary " + t.displayName + " parameter has "
          + value.length + " bytes, not " + expected);
    }
    return switch (t) {
      case BOOL -> value[0] != 0;
      case INT2 -> (int) b.getShort();
      case INT4 -> b.getInt();
      case OID -> b.getInt() & 0xffffffffL;
      case INT8 -> b.getLong();
      case FLOAT4 -> (double) b.getFloat();
      case FLOAT8 -> b.getDouble();
      case TIMESTAMPTZ, TIMESTAMP -> {
        long micros = b.getLong() + PG_EPOCH_MICROS;
        yield Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      }
      case DATE -> LocalDate.ofEpochDay(b.getInt() + PG_EPOCH_DAYS);
      case NUMERIC -> throw new IllegalArgumentException("binary numeric parameters are not"
          + " taken; send numeric as text");
      default -> new String(value, StandardCharsets.UTF_8);
    };
  }

  /**
   * Text as PostgreSQL reads a timestamptz: with an offset it names its instant; without,
   * it is read on the session's zone.
   */
  static Instant instant(String text, ZoneId zone) {
    Matcher m = TIMESTAMP.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid input syntax for type timestamp with time"
          + " zone: \"" + text + "\"");
    }
    try {
      LocalDate date = LocalDate.parse(m.group(1), DateTimeFormatter.ofPattern("uuuu-M-d"));
      LocalTime time = m.group(2) == null ? LocalTime.MIDNIGHT
          : LocalTime.parse(m.group(2).length() == 4 || m.group(2).indexOf(':') == 1
              ? "0" + m.group(2) : m.group(2));
      LocalDateTime local = LocalDateTime.of(date, time);
      String offset = m.group(3);
      if (offset == null) {
        return local.atZone(zone).toInstant();
      }
      if (offset.equalsIgnoreCase("Z") || offset.equals("UTC")) {
        return local.toInstant(ZoneOffset.UTC);
      }
      String digits = offset.substring(1).replace(":", "");
      int hours = Integer.parseInt(digits.substring(0, digits.length() % 2 == 1 ? 1 : 2));
      String rest = digits.substring(digits.length() % 2 == 1 ? 1 : 2);
      int minutes = rest.length() >= 2 ? Integer.parseInt(rest.substring(0, 2)) : 0;
      int seconds = rest.length() >= 4 ? Integer.parseInt(rest.substring(2, 4)) : 0;
      int total = hours * 3600 + minutes * 60 + seconds;
      return local.toInstant(ZoneOffset.ofTotalSeconds(offset.startsWith("-") ? -total
          : total));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("invalid input syntax for type timestamp with time"
          + " zone: \"" + text + "\"");
    }
  }

}
