package org.pmsql.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.DriverVersion;
import org.apache.calcite.avatica.Handler;
import org.apache.calcite.avatica.HandlerImpl;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.PcpJdbcFactory;
import org.apache.calcite.jdbc.PcpMeta;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.catalog.ArchiveCatalog;
import org.pmsql.federation.DnsSd;
import org.pmsql.federation.Federation;
import org.pmsql.sql.PcpPrepare;
import org.pmsql.sql.PcpSchemas;
import org.pmsql.sql.SqlRules;

/**
 * The {@code jdbc:pcp:} driver: {@code jdbc:pcp:archives=PATH[,PATH...]} plus Calcite-style
 * {@code ;key=value} properties. Without {@code archives} it reads PCP's archive directory
 * (PCP_ARCHIVE_DIR in /etc/pcp.conf). Identifiers are matched without regard to case unless
 * quoted with double quotes, and timestamps are UTC, unless the properties say otherwise. With
 * a single host its schema is the default one.
 */
public final class PcpDriver extends org.apache.calcite.jdbc.Driver {
  /** Sets of at most this many archives are read without the default catalog. */
  public static final int SMALL_SET = 8;
  public static final String PREFIX = "jdbc:pcp:";

  /** The driver's and the database's name and version, alike for local and remote. */
  static final DriverVersion VERSION =
      new DriverVersion("pmsql JDBC driver", "0.1.0", "pmsql", "0.1.0", true, 0, 1, 0, 1);

  static {
    // Generated code is cached across statements, so a repeated query does not pay for
    // compiling it again (Calcite keeps none by default).
    System.setProperty("calcite.bindable.cache.maxSize",
        System.getProperty("calcite.bindable.cache.maxSize", "1000"));
    new PcpDriver().register();
  }

  /** Statements are prepared with pmsql's planner rules, by this driver's connections only. */
  public PcpDriver() {
    super(PcpPrepare::new);
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return "org.apache.calcite.jdbc.PcpJdbcFactory";
  }


  @Override
  protected DriverVersion createDriverVersion() {
    return VERSION;
  }

  /** jdbc:pcp:remote: URLs are the remote driver's. */
  @Override
  public boolean acceptsURL(String url) throws SQLException {
    return super.acceptsURL(url) && !url.startsWith(PcpRemoteDriver.PREFIX);
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties withDefaults = new Properties();
    // Calcite's own default is the JVM's zone, which no answer may depend on
    withDefaults.setProperty(ConnectProperties.TIME_ZONE.key,
        ConnectProperties.TIME_ZONE.defaultValue);
    withDefaults.putAll(SqlRules.connectionDefaults());
    if (info != null) {
      withDefaults.putAll(info);
    }
    Properties all = ConnectStringParser.parse(url.substring(PREFIX.length()), withDefaults);
    ConnectProperties.check(all);
    if (!federated(all)) {
      prepareCatalog(ConnectProperties.CATALOG.get(all),
          archivePaths(ConnectProperties.ARCHIVES.get(all)));
    }
    return super.connect(url, withDefaults);
  }

  @Override
  public Meta createMeta(AvaticaConnection connection) {
    return PcpMeta.create(connection);
  }

  @Override
  protected Handler createHandler() {
    return new HandlerImpl() {
      @Override
      public void onConnectionInit(AvaticaConnection connection) throws SQLException {
        super.onConnectionInit(connection);
        CalciteConnection calcite = (CalciteConnection) connection;
        Properties properties = calcite.getProperties();
        List<String> hosts;
        if (federated(properties)) {
          Federation.register(calcite.getRootSchema(), servers(properties),
              new Federation.Options(ConnectProperties.SERVERS_TIMEOUT.seconds(properties),
                  ConnectProperties.SERVERS_QUERY_TIMEOUT.seconds(properties),
                  ConnectProperties.SERVERS_REQUIRED.flag(properties)));
          hosts = List.of();
        } else {
          List<Path> paths = archivePaths(ConnectProperties.ARCHIVES.get(properties));
          PcpSchemas.Registered registered = PcpSchemas.register(calcite.getRootSchema(), paths,
              catalogDirectory(ConnectProperties.CATALOG.get(properties), paths));
          hosts = registered.hosts();
          // damage in a set that exists is a warning: the other archives still answer
          registered.unreadable().forEach(problem -> PcpJdbcFactory.warn(connection,
              "archive not read (listed in pcp.archive_errors): " + problem));
        }
        // With one host, its tables need no schema name: SELECT * FROM metrics.
        if (hosts.size() == 1 && calcite.getProperties().getProperty("schema") == null) {
          calcite.setSchema(hosts.get(0));
        }
      }
    };
  }

  /** Whether a connection reads pmsql servers rather than local archives. */
  private static boolean federated(Properties properties) {
    return ConnectProperties.SERVERS.get(properties) != null
        || ConnectProperties.DISCOVER.flag(properties);
  }

  /**
   * The servers a federated connection reads: those listed, then those that answer a DNS-SD
   * browse on the interface of discover_address (the default interface when unset) within
   * discover_timeout seconds.
   */
  private static List<Federation.Server> servers(Properties properties) throws SQLException {
    List<Federation.Server> servers = new ArrayList<>();
    for (String url : ConnectProperties.SERVERS.list(properties)) {
      servers.add(new Federation.Server(url, "servers"));
    }
    if (ConnectProperties.DISCOVER.flag(properties)) {
      String address = ConnectProperties.DISCOVER_ADDRESS.get(properties);
      int seconds = ConnectProperties.DISCOVER_TIMEOUT.seconds(properties);
      try {
        for (String url : DnsSd.browse(address, seconds)) {
          if (servers.stream().noneMatch(s -> s.url().equals(url))) {
            servers.add(new Federation.Server(url, "mdns"));
          }
        }
      } catch (IOException e) {
        throw new SQLException("cannot browse for pmsql servers (DNS-SD) on "
            + (address == null ? "the default interface" : address) + ": " + e.getMessage(),
            "08001", e);
      }
    }
    return servers;
  }

  /**
   * The archive catalog's directory: the connection property, else the system property
   * pmsql.catalog, else PMSQL_CATALOG, else $XDG_CACHE_HOME/pmsql (~/.cache/pmsql); null for
   * "none".
   */
  public static Path catalogDirectory(String property) {
    String chosen = property != null ? property : System.getProperty("pmsql.catalog",
        System.getenv("PMSQL_CATALOG"));
    if (chosen == null || chosen.isBlank()) {
      String cache = System.getenv("XDG_CACHE_HOME");
      return (cache != null && !cache.isBlank() ? Path.of(cache)
          : Path.of(System.getProperty("user.home"), ".cache")).resolve("pmsql");
    }
    return chosen.strip().equalsIgnoreCase("none") ? null : Path.of(chosen.strip());
  }

  /**
   * The catalog directory a connection over {@code paths} uses: none for a set of at most
   * {@link #SMALL_SET} archives unless a catalog was named (property, pmsql.catalog or
   * PMSQL_CATALOG). Reading a few archives' labels costs milliseconds; starting Chronicle Map
   * costs a second of a command line's 3 s.
   */
  public static Path catalogDirectory(String property, List<Path> paths) {
    Path directory = catalogDirectory(property);
    boolean named = property != null || System.getProperty("pmsql.catalog") != null
        || System.getenv("PMSQL_CATALOG") != null;
    return directory != null && !named && ArchiveDiscovery.count(paths) <= SMALL_SET ? null
        : directory;
  }

  /**
   * Starts opening the archive catalog a connection over {@code paths} with this catalog
   * property will use, so that it opens while the SQL engine loads; done when it is open or
   * known to be unusable.
   */
  public static CompletableFuture<?> prepareCatalog(String property, List<Path> paths) {
    Path directory = catalogDirectory(property, paths);
    // a catalog that cannot open is not an error here: the connection says why it is unused
    return directory == null ? CompletableFuture.completedFuture(null)
        : ArchiveCatalog.prepare(directory).exceptionally(unusable -> null);
  }

  /** The archive paths of a connection: the property, or PCP's archive directory. */
  public static List<Path> archivePaths(String property) {
    return property == null || property.isBlank() ? List.of(Path.of(pcpArchiveDir()))
        : ConnectProperties.paths(property);
  }

  private static String pcpArchiveDir() {
    String env = System.getenv("PCP_ARCHIVE_DIR");
    if (env != null && !env.isBlank()) {
      return env;
    }
    Path conf = Path.of(System.getenv().getOrDefault("PCP_CONF", "/etc/pcp.conf"));
    try {
      for (String line : Files.readAllLines(conf)) {
        if (line.startsWith("PCP_ARCHIVE_DIR=")) {
          return line.substring("PCP_ARCHIVE_DIR=".length()).trim();
        }
      }
    } catch (IOException e) {
      // No PCP configuration: fall back to its default location.
    }
    return "/var/log/pcp/pmlogger";
  }
}
