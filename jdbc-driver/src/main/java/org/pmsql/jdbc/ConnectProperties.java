package org.pmsql.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.avatica.BuiltInConnectionProperty;
import org.apache.calcite.avatica.ConnectionProperty;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.pmsql.archive.ArchiveFiles;

/**
 * The connection properties jdbc:pcp: takes, and the check that refuses any other or any value
 * it cannot use, naming the key and what it accepts: a misspelt {@code archive=} must not read
 * PCP's default directory instead, nor {@code timeZone=Mars/Olympus} quietly mean UTC.
 */
public enum ConnectProperties {
  ARCHIVES("archives", "archive directories or files, comma-separated"),
  SERVERS("servers", "pmsql server URLs, comma-separated"),
  CATALOG("catalog", "the archive catalog's directory, or none"),
  DISCOVER("discover", "true or false"),
  DISCOVER_ADDRESS("discover_address", "the address of the interface to browse DNS-SD on"),
  DISCOVER_TIMEOUT("discover_timeout", "a positive whole number of seconds"),
  SERVERS_TIMEOUT("servers_timeout", "a positive whole number of seconds"),
  SERVERS_QUERY_TIMEOUT("servers_query_timeout", "a positive whole number of seconds"),
  SERVERS_REQUIRED("servers_required", "true or false");

  /** Keys every JDBC tool may send, which a local connection has no use for. */
  private static final Set<String> CREDENTIALS = Set.of("user", "password");
  /** Avatica's server passes its own cache settings to the connections it opens. */
  private static final String AVATICA_SERVER = "avatica.";
  /** Calcite's and Avatica's own properties, by the names they are written with. */
  private static final Map<String, ConnectionProperty> ENGINE = new HashMap<>();

  static {
    for (ConnectionProperty p : CalciteConnectionProperty.values()) {
      ENGINE.put(p.camelName(), p);
    }
    for (ConnectionProperty p : BuiltInConnectionProperty.values()) {
      ENGINE.put(p.camelName(), p);
    }
  }

  public final String key;
  private final String accepted;

  ConnectProperties(String key, String accepted) {
    this.key = key;
    this.accepted = accepted;
  }

  public String get(Properties properties) {
    return properties.getProperty(key);
  }

  /** The value as a positive whole number, or {@code otherwise} when unset. */
  public int positiveInt(Properties properties, int otherwise) throws SQLException {
    String value = get(properties);
    try {
      int number = value == null ? otherwise : Integer.parseInt(value.strip());
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw refused(key, value, accepted);
  }

  public boolean flag(Properties properties) {
    return Boolean.parseBoolean(get(properties));
  }

  /**
   * Refuses an unknown key, a value of a known one that cannot be used, and archive paths
   * that do not exist.
   */
  public static void check(Properties properties) throws SQLException {
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key);
      ConnectProperties ours = ofKey(key);
      if (ours != null) {
        ours.checkValue(value);
      } else if (ENGINE.containsKey(key)) {
        checkEngineValue(ENGINE.get(key), key, value);
      } else if (!CREDENTIALS.contains(key) && !key.startsWith(AVATICA_SERVER)) {
        throw new SQLException("unknown connection property '" + key + "'; jdbc:pcp: takes "
            + String.join(", ", keys()) + ", and Calcite's (timeZone, caseSensitive, lex, ...)",
            "HY024");
      }
    }
  }

  private static ConnectProperties ofKey(String key) {
    for (ConnectProperties p : values()) {
      if (p.key.equals(key)) {
        return p;
      }
    }
    return null;
  }

  private static List<String> keys() {
    return Arrays.stream(values()).map(p -> p.key).toList();
  }

  private void checkValue(String value) throws SQLException {
    switch (this) {
      case DISCOVER, SERVERS_REQUIRED -> checkBoolean(key, value);
      case DISCOVER_TIMEOUT, SERVERS_TIMEOUT, SERVERS_QUERY_TIMEOUT -> {
        Properties single = new Properties();
        single.setProperty(key, value);
        positiveInt(single, 1);
      }
      case ARCHIVES -> {
        for (Path path : paths(value)) {
          if (!exists(path)) {
            throw new SQLException("connection property archives: " + path + " does not exist"
                + " (neither a directory nor an archive's base name or file)", "08001");
          }
        }
      }
      default -> {
        if (value.isBlank()) {
          throw refused(key, value, accepted);
        }
      }
    }
  }

  /** Whether a path names a directory, a file, or an archive by its base name. */
  public static boolean exists(Path path) {
    try {
      return Files.exists(path) || ArchiveFiles.find(ArchiveFiles.baseOf(path)).meta() != null;
    } catch (IOException e) {
      return false;
    }
  }

  /** The paths an archives value names: comma-separated, blanks left out. */
  public static List<Path> paths(String value) {
    List<Path> paths = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        paths.add(Path.of(part.strip()));
      }
    }
    return paths;
  }

  private static void checkEngineValue(ConnectionProperty property, String key, String value)
      throws SQLException {
    if (property == BuiltInConnectionProperty.TIME_ZONE) {
      try {
        ZoneId.of(value.strip());
      } catch (DateTimeException e) {
        throw refused(key, value, "a time zone such as UTC, Europe/Berlin or +02:00");
      }
      return;
    }
    switch (property.type()) {
      case BOOLEAN -> checkBoolean(key, value);
      case ENUM -> {
        Set<String> names = new TreeSet<>();
        for (Object constant : property.valueClass().getEnumConstants()) {
          names.add(((Enum<?>) constant).name());
        }
        if (!names.contains(value.strip().toUpperCase(Locale.ROOT))) {
          throw refused(key, value, "one of " + String.join(", ", names));
        }
      }
      case NUMBER -> {
        try {
          Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
          throw refused(key, value, "a whole number");
        }
      }
      default -> { }
    }
  }

  private static void checkBoolean(String key, String value) throws SQLException {
    if (!value.strip().equalsIgnoreCase("true") && !value.strip().equalsIgnoreCase("false")) {
      throw refused(key, value, "true or false");
    }
  }

  private static SQLException refused(String key, String value, String accepted) {
    return new SQLException("connection property " + key + " must be " + accepted + ", not '"
        + value + "'", "HY024");
  }
}
