package org.pmsql.federation;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.apache.calcite.avatica.remote.Driver;

/**
 * Connections to pmsql servers through the stock Avatica client (protobuf): a HikariCP pool per
 * server and timeouts, shared by the federated connections of the process and holding no
 * connection while idle, for queries; a connection of its own for a one-off question.
 */
final class ServerPools {
  /** Connections one server gets from this process at most: its queries run side by side. */
  private static final int MAX_PER_SERVER = 8;
  private static final long IDLE_MILLIS = 60_000;
  private static final Map<String, HikariDataSource> POOLS = new ConcurrentHashMap<>();

  private ServerPools() {}

  /**
   * The pool for a server: a connection opens within {@code connectSeconds} (else the query
   * fails, or leaves the server out), each request is answered within {@code responseSeconds}.
   */
  static DataSource pooled(String server, int connectSeconds, int responseSeconds) {
    return POOLS.computeIfAbsent(url(server, connectSeconds, responseSeconds, null, null),
        url -> {
          HikariConfig config = new HikariConfig();
          config.setPoolName("pmsql-server-" + server);
          config.setJdbcUrl(url);
          config.setDriverClassName(Driver.class.getName());
          config.setMinimumIdle(0);
          config.setMaximumPoolSize(MAX_PER_SERVER);
          config.setIdleTimeout(IDLE_MILLIS);
          long connectMillis = Math.max(250, connectSeconds * 1000L);
          config.setConnectionTimeout(connectMillis);
          config.setValidationTimeout(Math.min(connectMillis, 5_000));
          // a server that is down when the pool starts fails the query that needs it, later
          config.setInitializationFailTimeout(-1);
          return new HikariDataSource(config);
        });
  }

  /** A connection of its own, closed by the caller; with a user, BASIC authentication. */
  static Connection connect(String server, int timeoutSeconds, String user, String password)
      throws SQLException {
    return new Driver().connect(url(server, timeoutSeconds, timeoutSeconds, user, password),
        new Properties());
  }

  private static String url(String server, int connectSeconds, int responseSeconds,
      String user, String password) {
    String credentials = user == null ? "" : ";authentication=BASIC;avatica_user=" + user
        + ";avatica_password=" + (password == null ? "" : password);
    return "jdbc:avatica:remote:url=" + server + ";serialization=protobuf"
        + ";http_connection_timeout=" + connectSeconds * 1000L
        + ";http_response_timeout=" + responseSeconds * 1000L + credentials;
  }
}
