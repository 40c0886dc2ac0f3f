package org.apache.calcite.jdbc;

import java.lang.reflect.Field;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.ZoneId;
import java.util.List;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaDatabaseMetaData;
import org.apache.calcite.avatica.AvaticaFactory;
import org.apache.calcite.avatica.AvaticaPreparedStatement;
import org.apache.calcite.avatica.AvaticaResultSetMetaData;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.UnregisteredDriver;
import org.apache.calcite.server.CalciteServer;
import org.pmsql.jdbc.JdbcErrors;
import org.pmsql.jdbc.JdbcValues;
import org.pmsql.sql.PcpTypeSystem;

/**
 * The JDBC objects of a jdbc:pcp: connection: Calcite's, with timestamps as instants whatever
 * the JVM's zone, java.time values in and out, and the transactions of a read-only database.
 * It sits in Calcite's package only because the classes it extends have package-private
 * constructors; what it adds is in {@link JdbcValues}.
 */
public final class PcpJdbcFactory extends CalciteFactory {
  private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

  public PcpJdbcFactory() {
    super(4, 1);
  }

  @Override
  public AvaticaConnection newConnection(UnregisteredDriver driver, AvaticaFactory factory,
      String url, Properties info, CalciteSchema rootSchema, JavaTypeFactory typeFactory) {
    return new Connection((Driver) driver, factory, url, info, rootSchema,
        typeFactory != null ? typeFactory : new JavaTypeFactoryImpl(PcpTypeSystem.INSTANCE));
  }

  @Override
  public AvaticaDatabaseMetaData newDatabaseMetaData(AvaticaConnection connection) {
    return new DatabaseMetaData(connection);
  }

  @Override
  public AvaticaStatement newStatement(AvaticaConnection connection, Meta.StatementHandle h,
      int resultSetType, int resultSetConcurrency, int resultSetHoldability) {
    return new Statement((Connection) connection, h, resultSetType, resultSetConcurrency,
        resultSetHoldability);
  }

  @Override
  public AvaticaPreparedStatement newPreparedStatement(AvaticaConnection connection,
      Meta.StatementHandle h, Meta.Signature signature, int resultSetType,
      int resultSetConcurrency, int resultSetHoldability) throws SQLException {
    return new PreparedStatement((Connection) connection, h,
        (CalcitePrepare.CalciteSignature) signature, resultSetType, resultSetConcurrency,
        resultSetHoldability);
  }

  @Override
  public ResultSetMetaData newResultSetMetaData(AvaticaStatement statement,
      Meta.Signature signature) {
    return new ResultSetMetaData(statement, signature);
  }

  @Override
  public CalciteResultSet newResultSet(AvaticaStatement statement, QueryState state,
      Meta.Signature signature, TimeZone timeZone, Meta.Frame firstFrame) throws SQLException {
    return new ResultSet(statement, (CalcitePrepare.CalciteSignature) signature,
        newResultSetMetaData(statement, signature), timeZone, firstFrame,
        ((Connection) statement.getConnection()).sessionZone);
  }

  /** Adds a warning to a jdbc:pcp: connection's chain (getWarnings). */
  public static void warn(AvaticaConnection connection, String message) {
    ((Connection) connection).warnings.add(new SQLWarning(message, "01000"));
  }

  /**
   * Calcite holds a timestamp as milliseconds on a wall clock; pmsql's are UTC, so results,
   * parameters and CURRENT_TIMESTAMP are converted at UTC and stay instants whatever zone the
   * JVM or the timeZone property name. That property (Calcite's config still holds it) is
   * the session zone: how zone-less date-times in queries and parameters are read.
   */
  static final class Connection extends CalciteConnectionImpl {
    final ZoneId sessionZone;
    private final List<SQLWarning> warnings = new CopyOnWriteArrayList<>();

    Connection(Driver driver, AvaticaFactory factory, String url, Properties info,
        CalciteSchema rootSchema, JavaTypeFactory typeFactory) {
      super(driver, factory, url, info, rootSchema, typeFactory);
      this.sessionZone = JdbcValues.sessionZone(config().timeZone());
      threadSafeStatements(server);
    }

    /**
     * Calcite keeps a connection's statements in a HashMap, which tools that read metadata on
     * one connection from several threads (SchemaCrawler) corrupt: its lookups then fail with
     * an AssertionError. The map, a final field of a private class, is replaced once by a
     * concurrent one; nothing else of Calcite is touched.
     */
    private static void threadSafeStatements(CalciteServer server) {
      try {
        Field statements = server.getClass().getDeclaredField("statementMap");
        statements.setAccessible(true);
        statements.set(server, new ConcurrentHashMap<>());
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new IllegalStateException("this Calcite keeps its statements otherwise: " + e, e);
      }
    }

    @Override
    public TimeZone getTimeZone() {
      return UTC;
    }

    @Override
    public CalcitePreparedStatement prepareStatement(String sql, int type, int concurrency,
        int holdability) throws SQLException {
      try {
        return super.prepareStatement(sql, type, concurrency, holdability);
      } catch (SQLException e) {
        throw JdbcErrors.preparing(e);
      }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
      checkOpen();
      SQLWarning first = null;
      for (SQLWarning w : warnings) {
        SQLWarning copy = new SQLWarning(w.getMessage(), w.getSQLState());
        if (first == null) {
          first = copy;
        } else {
          first.setNextWarning(copy);
        }
      }
      return first;
    }

    @Override
    public void clearWarnings() throws SQLException {
      checkOpen();
      warnings.clear();
    }

    /** Every statement reads and commits nothing: a transaction has nothing to keep. */
    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
      checkOpen();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
      checkOpen();
      return true;
    }

    @Override
    public void commit() throws SQLException {
      checkOpen();
    }

    @Override
    public void rollback() throws SQLException {
      checkOpen();
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
      checkOpen();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
      checkOpen();
      return true;
    }
  }

  /**
   * Display size as JDBC defines it (a timestamp's text is 23 long). Precision stays Calcite's:
   * Avatica reads a timestamp's as its fractional digits, also on the far side of a server.
   */
  static final class ResultSetMetaData extends AvaticaResultSetMetaData {
    ResultSetMetaData(AvaticaStatement statement, Meta.Signature signature) {
      super(statement, null, signature);
    }

    @Override
    public int getColumnDisplaySize(int column) throws SQLException {
      return JdbcValues.displaySize(getColumnType(column), getPrecision(column));
    }
  }

  static final class DatabaseMetaData extends AvaticaDatabaseMetaData {
    DatabaseMetaData(AvaticaConnection connection) {
      super(connection);
    }
  }

  static final class Statement extends CalciteStatement {
    Statement(Connection connection, Meta.StatementHandle h, int type, int concurrency,
        int holdability) {
      super(connection, h, type, concurrency, holdability);
    }
  }

  /** Instants and java.time values, and text for timestamp parameters, as JDBC 4.2 has them. */
  static final class PreparedStatement extends CalcitePreparedStatement {
    private final ZoneId sessionZone;

    PreparedStatement(Connection connection, Meta.StatementHandle h,
        CalcitePrepare.CalciteSignature signature, int type, int concurrency, int holdability)
        throws SQLException {
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

  /** {@code getObject(column, Instant.class)} and the other JDBC 4.2 classes. */
  static final class ResultSet extends CalciteResultSet {
    private final ZoneId sessionZone;

    ResultSet(AvaticaStatement statement, CalcitePrepare.CalciteSignature signature,
        java.sql.ResultSetMetaData metaData, TimeZone timeZone, Meta.Frame firstFrame,
        ZoneId sessionZone) throws SQLException {
      super(statement, signature, metaData, timeZone, firstFrame);
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
