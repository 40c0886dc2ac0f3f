package org.pmsql.jdbc;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.InternalProperty;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSet;
import org.apache.calcite.avatica.AvaticaResultSetMetaData;
import org.apache.calcite.avatica.AvaticaSpecificDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;

/**
 * The JDBC objects of a {@link PcpRemoteDriver} connection: Avatica's, with timestamps read and
 * sent at UTC (as the server holds them, whatever the JVM's zone) and JDBC 4.2's java.time
 * values ({@link JdbcValues}), as a local jdbc:pcp: connection has them.
 */
public final class PcpRemoteFactory implements AvaticaFactory {
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  @Override
  public int getJdbcMajorVersion() {
    return 4;
  }

  @Override
  public int getJdbcMinorVersion() {
    return 1;
  }

  @Override
  public AvaticaConnection newConnection(UnregisteredDriver driver, AvaticaFactory factory,
      String url, Properties info) {
    return new Connection(driver, factory, url, info);
  }

  @Override
  public AvaticaSpecificDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
    return new DatabaseMetaData(connection);
  }

  @Override
  public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle h,
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) {
    return new Statement(connection, h, resultSetType, resultSetConcurrency,
        resultSetHoldability);
  }

  @Override
  public AvaticaPreparedStatement newPreparedStatement(AvaticaConnection connection,
      Meta.StatementHandle h, Meta.Signature signature, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    return new PreparedStatement((Connection) connection, h, signature, resultSetType,
        resultSetConcurrency, resultSetHoldability);
  }

  @Override
  public AvaticaResultSet newResultSet(AvaticaStatement statement, QueryState state,
      Meta.Signature signature, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
    return new ResultSet(statement, state, signature, newResultSetMetaData(statement, signature),
        timeZone, firstFrame, ((Connection) statement.getConnection()).sessionZone);
  }

  @Override
  public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement,
      Meta.Signature signature) {
    return new AvaticaResultSetMetaData(statement, null, signature) {
      @Override
      public int getColumnDisplaySize(int column) throws SQLException {
        return JdbcValues.displaySize(getColumnType(column), getPrecision(column));
      }
    };
  }

  /** Reads and sends timestamps at UTC; {@code timeZone} is the session zone only. */
  static final class Connection extends AvaticaConnection {
    final ZoneId sessionZone;

    Connection(UnregisteredDriver driver, AvaticaFactory factory, String url, Properties info) {
      super(driver, factory, url, info);
      this.sessionZone = JdbcValues.sessionZone(config().timeZone());
      // the identifier rules the server pins for every connection, as DatabaseMetaData says
      properties.put(InternalProperty.CASE_SENSITIVE, false);
      properties.put(InternalProperty.UNQUOTED_CASING, Casing.UNCHANGED);
      properties.put(InternalProperty.QUOTED_CASING, Casing.UNCHANGED);
      properties.put(InternalProperty.QUOTING, Quoting.DOUBLE_QUOTE);
    }

    @Override
    public TimeZone getTimeZone() {
      return UTC;
    }

    @Override
    public java.sql.PreparedStatement prepareStatement(String sql, int type, int concurrency,
        int holdability) throws SQLException {
      try {
        return super.prepareStatement(sql, type, concurrency, holdability);
      } catch (SQLException e) {
        throw JdbcErrors.preparing(e);
      }
    }
  }

  static final class DatabaseMetaData extends AvaticaDatabaseMetaData {
    DatabaseMetaData(AvaticaConnection connection) {
      super(connection);
    }

    /**
     * Avatica's protocol has no request for functions; the server lists its own connection's
     * in {@code pcp.functions}, read here with JDBC's patterns.
     */
    @Override
    public java.sql.ResultSet getFunctions(String catalog, String schemaPattern,
        String functionNamePattern) throws SQLException {
      java.sql.PreparedStatement query = getConnection().prepareStatement(
          "SELECT * FROM pcp.functions WHERE UPPER(COALESCE(FUNCTION_SCHEM, ''))"
              + " LIKE UPPER(CAST(? AS VARCHAR)) ESCAPE '\\'"
              + " AND UPPER(FUNCTION_NAME) LIKE UPPER(CAST(? AS VARCHAR)) ESCAPE '\\'"
              + " ORDER BY FUNCTION_CAT, FUNCTION_SCHEM, FUNCTION_NAME, SPECIFIC_NAME");
      query.setString(1, schemaPattern == null ? "%" : schemaPattern);
      query.setString(2, functionNamePattern == null ? "%" : functionNamePattern);
      query.closeOnCompletion();
      return query.executeQuery();
    }
  }

  static final class Statement extends AvaticaStatement {
    Statement(AvaticaConnection connection, Meta.StatementHandle h, int type, int concurrency,
        int holdability) {
      super(connection, h, type, concurrency, holdability);
    }
  }

  static final class PreparedStatement extends AvaticaPreparedStatement {
    private final ZoneId sessionZone;

    PreparedStatement(Connection connection, Meta.StatementHandle h, Meta.Signature signature,
        int type, int concurrency, int holdability) throws SQLException {
      super(connection, h, signature, type, concurrency, holdability);
      this.sessionZone = connection.sessionZone;
    }

    @Override
    public void setObject(int parameterIndex, Object x) throws SQLException {
      if (!JdbcValues.setInstant(this, parameterIndex, x, sessionZone, false)) {
        super.setObject(parameterIndex, x);
      }
    }

    @Override
    public void setObject(int parameterIndex, Object x, int targetSqlType) throws SQLException {
      if (!JdbcValues.setInstant(this, parameterIndex, x, sessionZone,
          JdbcValues.isTimestamp(targetSqlType))) {
        super.setObject(parameterIndex, x, targetSqlType);
      }
    }

    @Override
    public void setString(int parameterIndex, String x) throws SQLException {
      if (!JdbcValues.setInstant(this, parameterIndex, x, sessionZone, false)) {
        super.setString(parameterIndex, x);
      }
    }
  }

  static final class ResultSet extends AvaticaResultSet {
    private final ZoneId sessionZone;

    ResultSet(AvaticaStatement statement, QueryState state, Meta.Signature signature,
        ResultSetMetaData metaData, TimeZone timeZone, Meta.Frame firstFrame,
        ZoneId sessionZone) throws SQLException {
      super(statement, state, signature, metaData, timeZone, firstFrame);
      this.sessionZone = sessionZone;
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
      return JdbcValues.get(this, columnIndex, type, sessionZone);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
      return getObject(findColumn(columnLabel), type);
    }
  }
}
