package org.pmsql.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** The one host of a benchmark's archive and its time span, in epoch milliseconds. */
record HostSpan(String host, long firstMillis, long lastMillis) {
  /** A jdbc:pcp: connection over {@code archive}. */
  static Connection connect(String archive) throws SQLException {
    Properties props = new Properties();
    props.setProperty("archives", archive);
    return DriverManager.getConnection("jdbc:pcp:", props);
  }

  static HostSpan of(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT host, first_ts, last_ts FROM pcp.hosts")) {
      rs.next();
      return new HostSpan(rs.getString(1), rs.getTimestamp(2).getTime(),
          rs.getTimestamp(3).getTime());
    }
  }

  /** {@code "host".metrics} */
  String metrics() {
    return "\"" + host + "\".metrics";
  }
}
