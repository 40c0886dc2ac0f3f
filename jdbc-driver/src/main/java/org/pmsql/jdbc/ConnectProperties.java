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
 * The connection properties jdbc:pcp: takes, each with its kind of value, its default and what
 * it does: the driver reads them here, {@code pmsql --help} and README list them from here, and
 * the check refuses any other key or any value it cannot use, naming the key and what it
 * accepts: a misspelt {@code archive=} must not read PCP's default directory instead, nor
 * {@code timeZone=Mars/Olympus} quietly mean UTC.
 */
public enum ConnectProperties {
  ARCHIVES("archives", Kind.PATHS, null, "archive directories, base names or files, or pmlogger"
      + " roots; default PCP_ARCHIVE_DIR (/var/log/pcp/pmlogger)"),
  CATALOG("catalog", Kind.TEXT, null, "the archive catalog's directory, or none; default"
      + " PMSQL_CATALOG, else ~/.cache/pmsql for sets of more than 8 archives"),
  TIME_ZONE("timeZone", Kind.ZONE, "UTC", "the zone of date-times written without one"),
  SERVERS("servers", Kind.LIST, null, "pmsql server URLs to read as one, instead of archives"),
  SERVERS_TIMEOUT("servers_timeout", Kind.SECONDS, "5", "how long a server has to answer the"
      + " catalog"),
  SERVERS_QUERY_TIMEOUT("servers_query_timeout", Kind.SECONDS, "300", "how long a server has"
      + " to answer a query"),
  SERVERS_REQUIRED("servers_required", Kind.BOOLEAN, "false", "a server that fails fails the"
      + " query (else it is left out and listed in pcp.server_errors)"),
  DISCOVER("discover", Kind.BOOLEAN, "false", "add the pmsql servers a DNS-SD browse finds"),
  DISCOVER_ADDRESS("discover_address", Kind.TEXT, null, "the address of the interface to browse"
      + " on; default the default interface"),
  DISCOVER_TIMEOUT("discover_timeout", Kind.SECONDS, "3", "how long a DNS-SD browse waits");

  /** What a property's value is, as its refusal says it. */
  public enum Kind {
    TEXT("text"),
    LIST("a comma-separated list"),
    PATHS("comma-separated paths"),
    BOOLEAN("true or false"),
    SECONDS("a positive whole number of seconds"),
    ZONE("a time zone such as UTC, Europe/Berlin or +02:00");

    public final String accepted;

    Kind(String accepted) {
      this.accepted = accepted;
    }
  }

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
  public final Kind kind;
  /** The value when the property is not given; null where there is none or it is found. */
  public final String defaultValue;
  public final String description;

  ConnectProperties(String key, Kind kind, String defaultValue, String description) {
    this.key = key;
    this.kind = kind;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The value given, else the default. */
  public String get(Properties properties) {
    return properties.getProperty(key, defaultValue);
  }

  /** A list's items, or none when not given. */
  public List<String> list(Properties properties) {
    String value = get(properties);
    return value == null ? List.of() : commaList(value);
  }

  /** A number of seconds, given or the default. */
  public int seconds(Properties properties) throws SQLException {
    String value = get(properties);
    try {
      int number = Integer.parseInt(value.strip());
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw refused(key, value, kind.accepted);
  }

  public boolean flag(Properties properties) {
    return Boolean.parseBoolean(get(properties));
  }

  /**
   * The items of a comma-separated list, as every list pmsql takes is written (paths, server
   * URLs, on the command line or in a connection property): stripped, blanks left out.
   */
  public static List<String> commaList(String value) {
    List<String> items = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        items.add(part.strip());
      }
    }
    return items;
  }

  /** The paths an archives value names. */
  public static List<Path> paths(String value) {
    return commaList(value).stream().map(Path::of).toList();
  }

  /** One line per property, {@code key  default  description}, for help and README. */
  public static List<String> described() {
    return Arrays.stream(values()).map(p -> String.format("%-22s %-6s %s (%s)", p.key,
        p.defaultValue == null ? "-" : p.defaultValue, p.description, p.kind.accepted)).toList();
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
            + String.join(", ", keys()) + ", and Calcite's (caseSensitive, lex, ...)",
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
    switch (kind) {
      case BOOLEAN -> checkBoolean(key, value);
      case SECONDS -> {
        Properties single = new Properties();
        single.setProperty(key, value);
        seconds(single);
      }
      case ZONE -> {
        try {
          ZoneId.of(value.strip());
        } catch (DateTimeException e) {
          throw refused(key, value, kind.accepted);
        }
      }
      case PATHS -> {
        for (Path path : paths(value)) {
          if (!exists(path)) {
            throw new SQLException("connection property " + key + ": " + path + " does not"
                + " exist (neither a directory nor an archive's base name or file)", "08001");
          }
        }
      }
      default -> {
        if (value.isBlank()) {
          throw refused(key, value, kind.accepted);
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

  private static void checkEngineValue(ConnectionProperty property, String key, String value)
      throws SQLException {
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
