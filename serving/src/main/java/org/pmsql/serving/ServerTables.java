package org.pmsql.serving;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;
import org.pmsql.sql.PcpSchemas;

/**
 * What every front-end's connection serves beyond the archives: the catalog tables a server
 * adds ({@code pcp.server_status}, {@code pcp.functions}, {@code pcp.log_requests} when the
 * server takes log requests), and the archives its log requests have written so far.
 */
public final class ServerTables {
  private ServerTables() {}

  /** Adds the server's catalog tables to a caller's new connection. */
  public static void addTo(Connection connection, Sessions sessions, LogRequests logRequests,
      Caller caller) throws SQLException {
    SchemaPlus catalog = connection.unwrap(CalciteConnection.class).getRootSchema()
        .getSubSchema(PcpSchemas.CATALOG_SCHEMA);
    catalog.add(ServerStatusTable.NAME, new ServerStatusTable(
        () -> sessions.counts(logRequests == null ? 0 : logRequests.size())));
    catalog.add(FunctionsTable.NAME, FunctionsTable.of(connection));
    if (logRequests != null) {
      catalog.add(LogRequestsTable.NAME, new LogRequestsTable(logRequests, caller));
    }
  }

  /**
   * The archives a new connection serves: the server's, and those its own log requests have
   * written so far (not whatever else lies in the log directory: other servers' requests, or
   * earlier runs', unless the directory was named to be served).
   */
  public static String archivesNow(String servedArchives, LogRequests logRequests) {
    if (logRequests == null || logRequests.written().isEmpty()) {
      return servedArchives;
    }
    List<String> archives = new ArrayList<>(List.of(servedArchives));
    logRequests.written().forEach(dir -> archives.add(dir.toString()));
    return String.join(",", archives);
  }
}
