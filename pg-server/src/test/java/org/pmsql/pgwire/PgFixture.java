package org.pmsql.pgwire;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpDriver;
import org.pmsql.serving.Limits;
import org.pmsql.serving.UsersFile;
import org.pmsql.testsupport.PcpTools;

/** A PostgreSQL-protocol server over the sample archive, in this JVM, and local pmsql beside. */
final class PgFixture implements AutoCloseable {
  static final Path SAMPLE = PcpTools.repositoryRoot().resolve("samples/sample-host");

  final PgServer server;

  private PgFixture(PgServer server) {
    this.server = server;
  }

  /** Loopback, no passwords. */
  static PgFixture loopback() throws Exception {
    return start(null, null, Limits.DEFAULT);
  }

  static PgFixture start(List<UsersFile.User> users, SSLContext tls, Limits limits)
      throws Exception {
    return new PgFixture(PgServer.start(new PgServer.Settings(SAMPLE.toString(), 0,
        "127.0.0.1", users, tls, limits, null, null)));
  }

  int port() {
    return server.port();
  }

  /** pgjdbc's URL of this server, with more parameters after {@code &}. */
  String url(String more) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/pcp?user=tester"
        + (more.isEmpty() ? "" : "&" + more);
  }

  /** libpq's connection string of this server. */
  String libpq(String more) {
    return "host=127.0.0.1 port=" + port() + " dbname=pcp user=tester sslmode=disable "
        + more;
  }

  /** Local pmsql over the same archive. */
  static Connection local() throws SQLException {
    Properties p = new Properties();
    p.setProperty(ConnectProperties.ARCHIVES.key, SAMPLE.toString());
    return new PcpDriver().connect(PcpDriver.PREFIX, p);
  }

  /**
   * Every row of a query, each column as getString gives it, but doubles as Java writes them:
   * pmsql's getString writes a whole double as {@code 2.0}, PostgreSQL as {@code 2}.
   */
  static List<List<String>> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      return rows(r);
    }
  }

  static List<List<String>> rows(ResultSet r) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    ResultSetMetaData md = r.getMetaData();
    while (r.next()) {
      List<String> row = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        int type = md.getColumnType(i);
        boolean floating = type == Types.DOUBLE || type == Types.FLOAT || type == Types.REAL;
        double d = floating ? r.getDouble(i) : 0;
        row.add(!floating ? r.getString(i) : r.wasNull() ? null : Double.toString(d));
      }
      rows.add(row);
    }
    return rows;
  }

  static Connection connect(String url) throws SQLException {
    return DriverManager.getConnection(url);
  }

  @Override
  public void close() {
    server.close();
  }
}
