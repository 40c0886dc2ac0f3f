package org.pmsql.server;

import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.avatica.jdbc.JdbcMeta;

/**
 * Avatica's JDBC-backed Meta with the server's connection settings pinned: Avatica merges a
 * client's connection properties into the server's and lets them win, which would let any
 * client choose what the server reads ({@code archives}, {@code model}, {@code schemaFactory}).
 * Here every client property is ignored; what a connection serves is the server's choice.
 */
final class PinnedJdbcMeta extends JdbcMeta {
  PinnedJdbcMeta(String url, Properties serverSettings) throws SQLException {
    super(url, serverSettings);
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> clientProperties) {
    super.openConnection(ch, Map.of());
  }
}
