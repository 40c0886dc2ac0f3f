package org.pmsql.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.apache.calcite.avatica.ConnectStringParser;
import org.apache.calcite.avatica.DriverVersion;

/**
 * {@code jdbc:pcp:remote:url=http://HOST:8765}: a pmsql server through Avatica's protocol with
 * the answers of a local jdbc:pcp: connection. The stock Avatica client reads timestamps on
 * its JVM's wall clock and names itself Avatica; this one reads instants, takes and gives
 * java.time values, names pmsql in its metadata, and has the server read zone-less text in
 * the {@code timeZone} it is given (Avatica keeps that property to the client).
 */
public final class PcpRemoteDriver extends org.apache.calcite.avatica.remote.Driver {
  public static final String PREFIX = "jdbc:pcp:remote:";
  /** The client's session zone, as it travels to the server (a property Avatica forwards). */
  public static final String SESSION_ZONE = "pmsql_session_time_zone";

  static {
    new PcpRemoteDriver().register();
  }

  @Override
  protected String getConnectStringPrefix() {
    return PREFIX;
  }

  @Override
  protected DriverVersion createDriverVersion() {
    return PcpDriver.VERSION;
  }

  @Override
  protected String getFactoryClassName(JdbcVersion jdbcVersion) {
    return PcpRemoteFactory.class.getName();
  }

  @Override
  public Connection connect(String url, Properties info) throws SQLException {
    if (!acceptsURL(url)) {
      return null;
    }
    Properties forwarded = new Properties();
    if (info != null) {
      forwarded.putAll(info);
    }
    String zone = ConnectStringParser.parse(url.substring(PREFIX.length()), forwarded)
        .getProperty(ConnectProperties.TIME_ZONE.key);
    if (zone != null) {
      Properties zoneOnly = new Properties();
      zoneOnly.setProperty(ConnectProperties.TIME_ZONE.key, zone);
      ConnectProperties.check(zoneOnly);
      forwarded.setProperty(SESSION_ZONE, zone);
    }
    return super.connect(url, forwarded);
  }
}
