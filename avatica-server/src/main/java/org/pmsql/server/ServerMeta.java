package org.pmsql.server;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.JdbcMetaInternals;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.DateTimeUtils;
import org.apache.calcite.jdbc.CalciteConnection;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpRemoteDriver;
import org.pmsql.serving.AutoLog;
import org.pmsql.serving.Caller;
import org.pmsql.serving.FrontEndStatements;
import org.pmsql.serving.Limits;
import org.pmsql.serving.LogRequests;
import org.pmsql.serving.RunningSlots;
import org.pmsql.serving.ServerTables;
import org.pmsql.serving.Sessions;
import org.pmsql.serving.SqlLimits;
import org.pmsql.serving.StreamPump;

/**
 * Avatica's JDBC-backed Meta as pmsql serves it, one front-end on the serving core
 * ({@link Sessions}: ownership, caps, timeouts, idle sweeping, the memory guard), behind
 * {@link OwnedConnections}, which lets only a connection's owner name it:
 * <ul>
 * <li>the server's connection settings are pinned: Avatica merges a client's connection
 *     properties into the server's and lets them win, which would let any client choose what
 *     the server reads ({@code archives}, {@code model}, {@code schemaFactory}); only
 *     {@link AutoLog#PROPERTY} and a jdbc:pcp:remote: client's session zone are read, and
 *     neither chooses anything of the server's;
 * <li>no frame holds more than a set number of rows, whatever the client asks;
 * <li>{@code SELECT STREAM} results are pumped by {@link StreamPump}, in frames on a time
 *     budget, and a stream closed for idleness is not silently restarted (Avatica's client
 *     re-runs an expired statement and skips the rows it had, which for a live stream would
 *     replay or lose rows).
 * </ul>
 */
final class ServerMeta extends JdbcMeta {
  private static final int MIN_FINITE_FRAME_ROWS = 5_000;
  private final Limits limits;
  private final String servedArchives;
  private final LogRequests logRequests;
  private final Sessions sessions;

  /**
   * {@code logRequests} null: this server takes no requests to log metrics. The sessions are
   * the server's, shared with its other front-ends; Avatica's statements join theirs.
   */
  ServerMeta(String url, Properties serverSettings, Limits limits,
      LogRequests logRequests, Sessions sessions, FrontEndStatements statements)
      throws SQLException {
    super(url, withCacheExpiry(serverSettings, limits));
    JdbcMetaInternals.convertTimestampsAtUtc(this);
    this.servedArchives = serverSettings.getProperty(ConnectProperties.ARCHIVES.key);
    this.limits = limits;
    this.logRequests = logRequests;
    this.sessions = sessions;
    statements.attachUpward(new AvaticaStatements());
  }

  /** Avatica's statement and connection caches, as the sessions see them. */
  private final class AvaticaStatements implements Sessions.StatementStore {
    @Override
    public Statement statement(int statementId) {
      StatementInfo info = getStatementCache().asMap().get(statementId);
      return info == null ? null : JdbcMetaInternals.statement(info);
    }

    @Override
    public boolean hasOpenResults(int statementId) {
      StatementInfo info = getStatementCache().asMap().get(statementId);
      try {
        return info != null && info.getResultSet() != null && !info.getResultSet().isClosed();
      } catch (SQLException e) {
        return false;
      }
    }

    @Override
    public void close(int statementId) {
      getStatementCache().invalidate(statementId);
    }

    @Override
    public void inUse(String connectionId) {
      getConnectionCache().getIfPresent(connectionId);
    }

    @Override
    public Set<String> expire() {
      getStatementCache().cleanUp();
      getConnectionCache().cleanUp();
      return getConnectionCache().asMap().keySet();
    }
  }

  /**
   * The caller's connection of the id the caller names: Avatica's caches hold connections by
   * their {@linkplain Sessions#serverId server ids}.
   */
  @Override
  protected java.sql.Connection getConnection(String id) throws SQLException {
    return super.getConnection(Sessions.serverId(ServingHandler.caller(), id));
  }

  /** Whether the current caller owns the connection ({@link OwnedConnections} asks). */
  boolean callerOwns(String connectionId) {
    return sessions.owns(ServingHandler.caller(), connectionId);
  }

  /** A call on a statement of the caller's connection, or Avatica's "not found" for it. */
  private Sessions.Call call(StatementHandle h) throws NoSuchStatementException {
    Sessions.Call call;
    try {
      call = sessions.call(ServingHandler.caller(), h.connectionId, h.id);
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
    if (call == null) {
      throw new NoSuchStatementException(h);
    }
    return call;
  }

  /**
   * Avatica's caches expire entries by last access, which a long call or a long-lived stream
   * does not renew; the sweeper renews what is in use and closes what is idle itself, so the
   * caches' own expiry only reaches what the sweeper does not track (metadata results).
   */
  private static Properties withCacheExpiry(Properties settings, Limits limits) {
    Properties all = new Properties();
    all.putAll(settings);
    for (String key : List.of(StatementCacheSettings.EXPIRY_DURATION.key(),
        ConnectionCacheSettings.EXPIRY_DURATION.key())) {
      all.setProperty(key, Integer.toString(limits.idleTimeoutSeconds()));
    }
    for (String key : List.of(StatementCacheSettings.EXPIRY_UNIT.key(),
        ConnectionCacheSettings.EXPIRY_UNIT.key())) {
      all.setProperty(key, TimeUnit.SECONDS.name());
    }
    return all;
  }

  @Override
  public void openConnection(ConnectionHandle ch, Map<String, String> clientProperties) {
    Integer autoLog = AutoLog.interval(clientProperties);
    Map<String, String> settings = new HashMap<>(servedNow());
    String zone = clientProperties == null ? null
        : clientProperties.get(PcpRemoteDriver.SESSION_ZONE);
    if (zone != null) {
      // the one setting a client chooses: how its zone-less date-times are read
      try {
        settings.put(ConnectProperties.TIME_ZONE.key, ZoneId.of(zone.strip()).getId());
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("connection property " + ConnectProperties.TIME_ZONE.key
            + " must be " + ConnectProperties.Kind.ZONE.accepted + ", not '" + zone + "'");
      }
    }
    Caller caller = ServingHandler.caller();
    super.openConnection(new ConnectionHandle(Sessions.serverId(caller, ch.id)), settings);
    sessions.opened(caller, ch.id, logRequests == null ? null : autoLog);
    try {
      ServerTables.addTo(getConnection(ch.id), sessions, logRequests, caller);
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
  }

  /** What a new connection serves: the server's archives and its log requests' so far. */
  private Map<String, String> servedNow() {
    return Map.of(ConnectProperties.ARCHIVES.key,
        ServerTables.archivesNow(servedArchives, logRequests));
  }

  /**
   * A client's connection settings, each where the read-only Calcite connection takes it:
   * pools and JDBC wrappers (HikariCP, dbcp) set auto-commit, read-only and isolation, which
   * Calcite does not support; a server that holds only archives has nothing for them to change.
   */
  @Override
  protected void apply(java.sql.Connection conn, ConnectionProperties props) throws SQLException {
    if (props.getSchema() != null) {
      conn.setSchema(props.getSchema());
    }
  }

  /** Nothing is ever written here, so there is nothing to commit; pools ask anyway. */
  @Override
  public void commit(ConnectionHandle ch) {
    // the caller's own connection (OwnedConnections): nothing to do
  }

  /** As commit: pools such as dbcp roll back every connection they hand out or take back. */
  @Override
  public void rollback(ConnectionHandle ch) {
    // as commit
  }

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    StatementHandle h = super.createStatement(ch);
    sessions.created(h.id, ServingHandler.caller(), ch.id);
    return h;
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    Caller caller = ServingHandler.caller();
    StatementHandle h;
    try {
      SqlLimits.check(sql);
      try (RunningSlots.Slot turn = sessions.turn(caller)) {
        h = super.prepare(ch, sql, maxRowCount);
      }
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
    sessions.created(h.id, caller, ch.id);
    return h;
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    try (Sessions.Call call = call(h)) {
      try {
        SqlLimits.check(sql);
        boolean stream = Sessions.isStream(sql);
        call.admit(stream);
        if (!stream) {
          return super.prepareAndExecute(h, sql, maxRowCount,
              finiteFrameRows(maxRowsInFirstFrame), callback);
        }
        try {
          call.statement().execute(sql);
        } catch (SQLException e) {
          throw missingMetricRequested(h, sql).orElse(e);
        }
        return serveStream(h, call, call.statement().getResultSet(), sql, maxRowsInFirstFrame);
      } catch (SQLException e) {
        throw new RuntimeException(e);
      } catch (RuntimeException e) {
        throw call.explain(e);
      }
    }
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    try (Sessions.Call call = call(h)) {
      try {
        String sql = h.signature == null ? null : h.signature.sql;
        boolean stream = sql != null && Sessions.isStream(sql);
        call.admit(stream);
        if (!stream) {
          return super.execute(h, parameterValues, finiteFrameRows(maxRowsInFirstFrame));
        }
        PreparedStatement prepared = (PreparedStatement) call.statement();
        for (int i = 0; i < parameterValues.size(); i++) {
          prepared.setObject(i + 1, parameterValues.get(i).toJdbc(DateTimeUtils.calendar()));
        }
        return serveStream(h, call, prepared.executeQuery(), sql, maxRowsInFirstFrame);
      } catch (SQLException e) {
        throw new RuntimeException(e);
      } catch (RuntimeException e) {
        throw call.explain(e);
      }
    }
  }

  private ExecuteResult serveStream(StatementHandle h, Sessions.Call call, ResultSet results,
      String sql, int maxRowsInFirstFrame) throws SQLException {
    StatementInfo info = getStatementCache().getIfPresent(h.id);
    if (info != null) {
      info.setResultSet(results);
    }
    Signature signature = signature(results.getMetaData(), null, sql, StatementType.SELECT);
    Calendar calendar = DateTimeUtils.calendar();
    // each row as Avatica's own frames encode it
    StreamPump.RowReader avaticaRow = rs -> {
      Frame one = JdbcMetaInternals.frame(rs, 1, calendar, signature);
      return one.done ? null : one.rows.iterator().next();
    };
    StreamPump stream = StreamPump.start(call.statement(), results, avaticaRow,
        limits.streamQueueRows(), "pmsql-stream-" + h.id);
    call.serve(stream);
    StreamPump.Batch batch = stream.next(frameRows(maxRowsInFirstFrame));
    Frame first = new Frame(0, batch.done(), batch.rows());
    return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, true,
        signature, first)));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    try (Sessions.Call call = call(h)) {
      try {
        if (call.stream() != null) {
          return frame(call, offset, fetchMaxRowCount);
        }
        call.continues();
        return super.fetch(h, offset, finiteFrameRows(fetchMaxRowCount));
      } catch (SQLException e) {
        throw new RuntimeException(e);
      } catch (RuntimeException e) {
        throw call.explain(e);
      }
    }
  }

  /** The stream's next frame; a stream read to its end is done with. */
  private Frame frame(Sessions.Call call, long offset, int maxRows) throws SQLException {
    StreamPump.Batch batch = call.stream().next(frameRows(maxRows));
    if (batch.done()) {
      call.streamDone();
    }
    return new Frame(offset, batch.done(), batch.rows());
  }

  /** With log_missing_ms, a stream of an unlogged metric has it requested and says so. */
  private Optional<SQLException> missingMetricRequested(StatementHandle h,
      String sql) throws SQLException {
    Integer interval = sessions.autoLogInterval(ServingHandler.caller(), h.connectionId);
    if (interval == null) {
      return Optional.empty();
    }
    CalciteConnection connection = getConnection(h.connectionId).unwrap(CalciteConnection.class);
    return Optional.ofNullable(AutoLog.request(sql, connection,
        ServingHandler.caller(), logRequests, interval));
  }

  @Override
  public boolean syncResults(StatementHandle sh, QueryState state, long offset)
      throws NoSuchStatementException {
    if (!sessions.holds(ServingHandler.caller(), sh.connectionId, sh.id)) {
      throw new NoSuchStatementException(sh);
    }
    if (state.sql != null && Sessions.isStream(state.sql)) {
      throw new RuntimeException(new SQLException("the server ended this stream: it was not"
          + " fetched for " + limits.idleTimeoutSeconds() + " s (idle timeout) or its"
          + " connection was lost; a stream is not restarted silently, run the query again",
          "08006"));
    }
    return super.syncResults(sh, state, offset);
  }

  /** Closes a statement of the caller's connection; another's, or none, is not found. */
  @Override
  public void closeStatement(StatementHandle h) {
    if (sessions.holds(ServingHandler.caller(), h.connectionId, h.id)) {
      sessions.closed(h.id);
      super.closeStatement(h);
    }
  }

  @Override
  public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
      throws NoSuchStatementException {
    try (Sessions.Call call = call(h)) {
      for (String sql : sqlCommands) {
        SqlLimits.check(sql);
      }
      call.computes();
      return super.prepareAndExecuteBatch(h, sqlCommands);
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public ExecuteBatchResult executeBatch(StatementHandle h,
      List<List<TypedValue>> parameterValues) throws NoSuchStatementException {
    try (Sessions.Call call = call(h)) {
      call.computes();
      return super.executeBatch(h, parameterValues);
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    Caller caller = ServingHandler.caller();
    sessions.closed(caller, ch.id);
    super.closeConnection(new ConnectionHandle(Sessions.serverId(caller, ch.id)));
  }

  /**
   * Stops every requested pmlogger first (closing a statement waits while it is being
   * planned), then the sessions and every stream, and closes every connection.
   */
  void shutdown() {
    if (logRequests != null) {
      logRequests.close();
    }
    sessions.close();
    getConnectionCache().invalidateAll();
  }

  /**
   * The rows a frame holds: what the client asks, up to the cap; asking for none or for all
   * (fetch size 0, Spark's default, means "the server chooses") gets the cap.
   */
  private int frameRows(int requested) {
    return requested <= 0 ? limits.maxFrameRows() : Math.min(requested, limits.maxFrameRows());
  }

  /**
   * A fetched frame of a finite result holds at least {@link #MIN_FINITE_FRAME_ROWS} rows
   * (within the cap), whatever fetch size the client asked: the fetch size is a hint, and
   * Avatica's client default of 100 made every hundred rows a round trip that waits for its
   * user's turn. Under the load test, beside PostgreSQL clients that hold theirs for a whole
   * query, Avatica's queries took 16 s at the median against PostgreSQL's 3 s; now 7 s and 6 s.
   * (Avatica's own server caps the first frame at 100 rows.) A stream's frames stay as small as
   * asked, to come early.
   */
  private int finiteFrameRows(int requested) {
    return requested <= 0 ? limits.maxFrameRows()
        : Math.min(Math.max(requested, MIN_FINITE_FRAME_ROWS), limits.maxFrameRows());
  }
}
