package org.pmsql.pgsql;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A session's settings as PostgreSQL clients read and set them: those they check at start-up
 * (server_version, client_encoding, DateStyle, integer_datetimes,
 * standard_conforming_strings, TimeZone), those they SET (application_name,
 * extra_float_digits, search_path, statement_timeout), and any other a client names. Only
 * UTF8 and ISO dates are spoken; a TimeZone is checked as a zone.
 */
public final class PgSettings {
  /** The settings reported to a client when it connects (ParameterStatus), in order. */
  public static final List<String> REPORTED = List.of("server_version", "server_encoding",
      "client_encoding", "DateStyle", "IntervalStyle", "integer_datetimes",
      "standard_conforming_strings", "TimeZone", "application_name", "is_superuser",
      "session_authorization", "default_transaction_read_only", "in_hot_standby");

  /** Settings pg_settings lists. */
  static final List<String> NAMES = List.of("server_version", "server_version_num",
      "server_encoding", "client_encoding", "DateStyle", "IntervalStyle", "integer_datetimes",
      "standard_conforming_strings", "TimeZone", "application_name", "is_superuser",
      "search_path", "extra_float_digits", "statement_timeout", "max_identifier_length",
      "transaction_isolation", "default_transaction_read_only", "transaction_read_only",
      "lc_collate", "lc_ctype", "max_index_keys", "block_size");

  private final Map<String, String> values = new LinkedHashMap<>();

  public PgSettings(String user) {
    values.put("server_version", PgFunctions.SERVER_VERSION);
    values.put("server_version_num", "150000");
    values.put("server_encoding", "UTF8");
    values.put("client_encoding", "UTF8");
    values.put("DateStyle", "ISO, MDY");
    values.put("IntervalStyle", "postgres");
    values.put("integer_datetimes", "on");
    values.put("standard_conforming_strings", "on");
    values.put("TimeZone", "UTC");
    values.put("application_name", "");
    values.put("is_superuser", "off");
    values.put("session_authorization", user);
    values.put("default_transaction_read_only", "on");
    values.put("transaction_read_only", "on");
    values.put("in_hot_standby", "off");
    values.put("search_path", "\"$user\", public");
    values.put("extra_float_digits", "1");
    values.put("statement_timeout", "0");
    values.put("max_identifier_length", "63");
    values.put("transaction_isolation", "read committed");
    values.put("lc_collate", "C.UTF-8");
    values.put("lc_ctype", "C.UTF-8");
    values.put("max_index_keys", "32");
    values.put("block_size", "8192");
  }

  /** A setting's value, or null when there is none of that name (names ignore case). */
  public String get(String name) {
    String key = key(name);
    return key == null ? null : values.get(key);
  }

  /**
   * Sets a setting as SET does; what pmsql cannot honour (another encoding, a non-ISO date
   * style, an unknown zone) is refused naming the value.
   */
  public void set(String name, String value) {
    String key = key(name);
    if (key == null) {
      key = name.toLowerCase(Locale.ROOT);
    }
    switch (key) {
      case "client_encoding" -> {
        String v = value.replace("-", "").toUpperCase(Locale.ROOT);
        if (!v.equals("UTF8") && !v.equals("UNICODE")) {
          throw new IllegalArgumentException("client_encoding " + value + " is not supported:"
              + " pmsql speaks UTF8 only");
        }
        value = "UTF8";
      }
      case "DateStyle" -> {
        if (!value.toUpperCase(Locale.ROOT).contains("ISO")) {
          throw new IllegalArgumentException("DateStyle " + value + " is not supported: pmsql"
              + " writes ISO dates only");
        }
        value = "ISO, MDY";
      }
      case "TimeZone" -> value = zone(value).getId();
      case "server_version", "server_version_num", "server_encoding", "integer_datetimes",
          "is_superuser", "session_authorization", "in_hot_standby", "max_identifier_length" ->
          throw new IllegalArgumentException("parameter \"" + name + "\" cannot be changed");
      default -> { }
    }
    values.put(key, value);
  }

  /** The session's zone, in which timestamptz text is written. */
  public ZoneId zone() {
    return zone(values.get("TimeZone"));
  }

  /** Every setting, as SHOW ALL lists them. */
  public Map<String, String> all() {
    return Map.copyOf(values);
  }

  /** A zone as PostgreSQL clients name it (PGTZ, pgjdbc's JVM zone): checked, one line. */
  public static ZoneId zone(String name) {
    String n = name.strip();
    if (n.startsWith("'") && n.endsWith("'") && n.length() >= 2) {
      n = n.substring(1, n.length() - 1);
    }
    try {
      return n.equalsIgnoreCase("utc") || n.equalsIgnoreCase("gmt") || n.equals("Z")
          ? ZoneId.of("UTC") : ZoneId.of(n);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("invalid value for parameter \"TimeZone\": \"" + name
          + "\"");
    }
  }

  private String key(String name) {
    for (String k : values.keySet()) {
      if (k.equalsIgnoreCase(name)) {
        return k;
      }
    }
    return null;
  }
}
