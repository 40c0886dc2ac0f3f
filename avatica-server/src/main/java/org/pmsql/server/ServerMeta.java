package org.pmsql.server;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.jdbc.JdbcMeta;
import org.apache.calcite.avatica.jdbc.JdbcMetaInternals;
import org.apache.calcite.avatica.jdbc.StatementInfo;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.avatica.util.DateTimeUtils;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.pmsql.archive.DaemonThreads;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpRemoteDriver;
import org.pmsql.sql.PcpSchemas;
import org.pmsql.sql.SqlRules;

/**
 * Avatica's JDBC-backed Meta as pmsql serves it:
 * <ul>
 * <li>the server's connection settings are pinned: Avatica merges a client's connection
 *     properties into the server's and lets them win, which would let any client choose what
 *     the server reads ({@code archives}, {@code model}, {@code schemaFactory}); only
 *     {@link AutoLog#PROPERTY} and a jdbc:pcp:remote: client's session zone are read, and
 *     neither chooses anything of the server's;
 * <li>a connection belongs to the user who opened it, and each user may keep only so many
 *     statements with open results;
 * <li>a query runs at most the statement timeout, and no frame holds more than a set number
 *     of rows, whatever the client asks;
 * <li>{@code SELECT STREAM} results are served by {@link StreamFrames}, on a time budget;
 * <li>statements, streams and connections a client stopped using are closed after the idle
 *     timeout, and a stream so closed is not silently restarted (Avatica's client re-runs an
 *     expired statement and skips the rows it had, which for a live stream would replay or
 *     lose rows).
 * </ul>
 */
final class ServerMeta extends JdbcMeta {
  /** Running queries are cancelled when the heap is this full after a collection. */
  private static final double HEAP_FRACTION = 0.85;

  private final PcpServer.Limits limits;
  private final String servedArchives;
  private final LogRequests logRequests;
  private final MemoryGuard memoryGuard;
  private final Map<String, String> connectionUsers = new ConcurrentHashMap<>();
  private final Map<String, Integer> autoLogIntervals = new ConcurrentHashMap<>();
  private final Map<Integer, Use> uses = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pmsql-idle-sweeper"));

  /**
   * What the server knows of a client's statement: whose it is, whether a call on it is
   * running (a statement in a call is never idle, however long planning or a first frame
   * takes), when it was last used, and its stream if it serves one.
   */
  private static final class Use {
    final String user;
    final String connectionId;
    final AtomicInteger calls = new AtomicInteger();
    volatile long lastUsedNanos = System.nanoTime();
    volatile StreamFrames stream;
    volatile boolean cancelledForMemory;

    Use(String user, String connectionId) {
      this.user = user;
      this.connectionId = connectionId;
    }

    long idleMillis() {
      return calls.get() > 0 ? 0
          : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastUsedNanos);
    }
  }

  /** One call on a statement, from its start to its end. */
  private final class Call implements AutoCloseable {
    final Use use;
    final StatementInfo info;

    Call(StatementHandle h) throws NoSuchStatementException {
      ownerOf(h.connectionId);
      Use known = uses.get(h.id);
      StatementInfo found = getStatementCache().getIfPresent(h.id);
      if (known == null || found == null) {
        throw new NoSuchStatementException(h);
      }
      this.use = known;
      this.info = found;
      use.calls.incrementAndGet();
    }

    Statement statement() {
      return JdbcMetaInternals.statement(info);
    }

    @Override
    public void close() {
      use.lastUsedNanos = System.nanoTime();
      use.calls.decrementAndGet();
    }
  }

  /** {@code logRequests} null: this server takes no requests to log metrics. */
  ServerMeta(String url, Properties serverSettings, PcpServer.Limits limits,
      LogRequests logRequests) throws SQLException {
    super(url, withCacheExpiry(serverSettings, limits));
    JdbcMetaInternals.convertTimestampsAtUtc(this);
    this.servedArchives = serverSettings.getProperty(ConnectProperties.ARCHIVES.key);
    this.limits = limits;
    this.logRequests = logRequests;
    this.memoryGuard = new MemoryGuard(HEAP_FRACTION, this::cancelForMemory);
    sweeper.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * Avatica's caches expire entries by last access, which a long call or a long-lived stream
   * does not renew; the sweeper renews what is in use and closes what is idle itself, so the
   * caches' own expiry only reaches what the sweeper does not track (metadata results).
   */
  private static Properties withCacheExpiry(Properties settings, PcpServer.Limits limits) {
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
        settings.put("timeZone", ZoneId.of(zone.strip()).getId());
      } catch (DateTimeException e) {
        throw new IllegalArgumentException("connection property timeZone must be a time zone,"
            + " not '" + zone + "'");
      }
    }
    super.openConnection(ch, settings);
    Caller caller = ServingHandler.caller();
    connectionUsers.put(ch.id, caller.user());
    if (autoLog != null && logRequests != null) {
      autoLogIntervals.put(ch.id, autoLog);
    }
    try {
      SchemaPlus catalog = getConnection(ch.id).unwrap(CalciteConnection.class).getRootSchema()
          .getSubSchema(PcpSchemas.CATALOG_SCHEMA);
      catalog.add(ServerStatusTable.NAME, new ServerStatusTable(this::counts));
      catalog.add(FunctionsTable.NAME, FunctionsTable.of(getConnection(ch.id)));
      if (logRequests != null) {
        catalog.add(LogRequestsTable.NAME, new LogRequestsTable(logRequests, caller));
      }
    } catch (SQLException e) {
      throw new RuntimeException(e);
    }
  }

  /**
   * What a new connection serves: the server's archives, and the archives its own log
   * requests have written so far (not whatever else lies in the log directory: other servers'
   * requests, or earlier runs', unless the directory was named to be served).
   */
  private Map<String, String> servedNow() {
    if (logRequests == null || logRequests.written().isEmpty()) {
      return Map.of();
    }
    List<String> archives = new ArrayList<>(List.of(servedArchives));
    logRequests.written().forEach(dir -> archives.add(dir.toString()));
    return Map.of(ConnectProperties.ARCHIVES.key, String.join(",", archives));
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
    ownerOf(ch.id);
  }

  /** As commit: pools such as dbcp roll back every connection they hand out or take back. */
  @Override
  public void rollback(ConnectionHandle ch) {
    ownerOf(ch.id);
  }

  private ServerStatusTable.Counts counts() {
    return new ServerStatusTable.Counts(connectionUsers.size(), uses.size(),
        (int) uses.values().stream().filter(u -> u.stream != null).count(),
        logRequests == null ? 0 : logRequests.size());
  }

  @Override
  public StatementHandle createStatement(ConnectionHandle ch) {
    String user = ownerOf(ch.id);
    StatementHandle h = super.createStatement(ch);
    uses.put(h.id, new Use(user, ch.id));
    return h;
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    String user = ownerOf(ch.id);
    StatementHandle h = super.prepare(ch, sql, maxRowCount);
    uses.put(h.id, new Use(user, ch.id));
    return h;
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    try (Call call = new Call(h)) {
      boolean stream = isStream(sql);
      admit(h, call, stream);
      if (!stream) {
        return super.prepareAndExecute(h, sql, maxRowCount, frameRows(maxRowsInFirstFrame),
            callback);
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
      throw explain(h, e);
    }
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    try (Call call = new Call(h)) {
      String sql = h.signature == null ? null : h.signature.sql;
      boolean stream = sql != null && isStream(sql);
      admit(h, call, stream);
      if (!stream) {
        return super.execute(h, parameterValues, frameRows(maxRowsInFirstFrame));
      }
      PreparedStatement prepared = (PreparedStatement) call.statement();
      for (int i = 0; i < parameterValues.size(); i++) {
        prepared.setObject(i + 1, parameterValues.get(i).toJdbc(DateTimeUtils.calendar()));
      }
      return serveStream(h, call, prepared.executeQuery(), sql, maxRowsInFirstFrame);
    } catch (SQLException e) {
      throw new RuntimeException(e);
    } catch (RuntimeException e) {
      throw explain(h, e);
    }
  }

  private ExecuteResult serveStream(StatementHandle h, Call call, ResultSet results,
      String sql, int maxRowsInFirstFrame) throws SQLException {
    call.info.setResultSet(results);
    Signature signature = signature(results.getMetaData(), null, sql, StatementType.SELECT);
    call.use.stream = StreamFrames.start(call.statement(), results, signature,
        limits.streamQueueRows(), "pmsql-stream-" + h.id);
    Frame first = call.use.stream.next(0, frameRows(maxRowsInFirstFrame));
    return new ExecuteResult(List.of(MetaResultSet.create(h.connectionId, h.id, true,
        signature, first)));
  }

  @Override
  public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount)
      throws NoSuchStatementException, MissingResultsException {
    try (Call call = new Call(h)) {
      StreamFrames stream = call.use.stream;
      if (stream == null) {
        return super.fetch(h, offset, frameRows(fetchMaxRowCount));
      }
      Frame frame = stream.next(offset, frameRows(fetchMaxRowCount));
      if (frame.done) {
        call.use.stream = null;
      }
      return frame;
    } catch (SQLException e) {
      throw new RuntimeException(e);
    } catch (RuntimeException e) {
      throw explain(h, e);
    }
  }

  /** With log_missing_ms, a stream of an unlogged metric has it requested and says so. */
  private Optional<SQLException> missingMetricRequested(StatementHandle h,
      String sql) throws SQLException {
    Integer interval = autoLogIntervals.get(h.connectionId);
    if (interval == null) {
      return Optional.empty();
    }
    CalciteConnection connection = getConnection(h.connectionId).unwrap(CalciteConnection.class);
    return Optional.ofNullable(AutoLog.request(sql, connection,
        ServingHandler.caller(), logRequests, interval));
  }

  /** Cancels every running query but streams, whose memory is bounded by their queues. */
  private void cancelForMemory() {
    uses.forEach((id, use) -> {
      StatementInfo info = use.calls.get() > 0 && use.stream == null
          ? getStatementCache().asMap().get(id) : null;
      if (info != null) {
        use.cancelledForMemory = true;
        try {
          JdbcMetaInternals.statement(info).cancel();
        } catch (SQLException e) {
          // closed meanwhile: it holds nothing any more
        }
      }
    });
  }

  /** A query the memory guard cancelled fails with that reason, not "query cancelled". */
  private RuntimeException explain(StatementHandle h, RuntimeException e) {
    Use use = uses.get(h.id);
    if (use == null || !use.cancelledForMemory) {
      return e;
    }
    use.cancelledForMemory = false;
    Runtime heap = Runtime.getRuntime();
    return new RuntimeException(new SQLException("statement cancelled: the server's heap was"
        + " still over " + Math.round(HEAP_FRACTION * 100) + "% full of " + (heap.maxMemory() >> 20)
        + " MB after a collection; ask for less at once (a narrower time range, fewer groups,"
        + " a LIMIT) or give the server more (PMSQL_JAVA_OPTS=-Xmx...)", "53200"));
  }

  @Override
  public boolean syncResults(StatementHandle sh, QueryState state, long offset)
      throws NoSuchStatementException {
    if (state.sql != null && isStream(state.sql)) {
      throw new RuntimeException(new SQLException("the server ended this stream: it was not"
          + " fetched for " + limits.idleTimeoutSeconds() + " s (idle timeout) or its"
          + " connection was lost; a stream is not restarted silently, run the query again",
          "08006"));
    }
    return super.syncResults(sh, state, offset);
  }

  @Override
  public void closeStatement(StatementHandle h) {
    endStream(uses.remove(h.id));
    super.closeStatement(h);
  }

  @Override
  public void closeConnection(ConnectionHandle ch) {
    uses.forEach((id, use) -> {
      if (use.connectionId.equals(ch.id)) {
        forget(id);
      }
    });
    connectionUsers.remove(ch.id);
    autoLogIntervals.remove(ch.id);
    super.closeConnection(ch);
  }

  /** Stops the sweeper, every stream and requested pmlogger, and closes every connection. */
  void shutdown() {
    sweeper.shutdownNow();
    memoryGuard.close();
    uses.keySet().forEach(this::forget);
    getConnectionCache().invalidateAll();
    if (logRequests != null) {
      logRequests.close();
    }
  }

  private static void endStream(Use use) {
    StreamFrames stream = use == null ? null : use.stream;
    if (stream != null) {
      use.stream = null;
      stream.close();
    }
  }

  /** Ends the statement's stream, then closes its results and itself. */
  private void forget(int statementId) {
    endStream(uses.remove(statementId));
    getStatementCache().invalidate(statementId);
  }

  private void closeIdle() {
    long idleMillis = TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds());
    uses.forEach((id, use) -> {
      if (use.idleMillis() > idleMillis) {
        forget(id);
      } else if (getStatementCache().getIfPresent(id) == null) {
        uses.remove(id); // evicted by Avatica's cache
      } else {
        getConnectionCache().getIfPresent(use.connectionId);
      }
    });
    getStatementCache().cleanUp();
    getConnectionCache().cleanUp();
    connectionUsers.keySet().retainAll(getConnectionCache().asMap().keySet());
    autoLogIntervals.keySet().retainAll(getConnectionCache().asMap().keySet());
  }

  /** The connection's user, who must be the one asking: ids are not credentials. */
  private String ownerOf(String connectionId) {
    String owner = connectionUsers.get(connectionId);
    if (owner == null || !owner.equals(ServingHandler.caller().user())) {
      throw new NoSuchConnectionException("Connection not found: invalid id, closed, or"
          + " expired: " + connectionId);
    }
    return owner;
  }

  /** Refuses a user's statement beyond the cap; sets the timeout of a finite query. */
  private void admit(StatementHandle h, Call call, boolean stream) throws SQLException {
    endStream(call.use);
    long open = uses.entrySet().stream()
        .filter(e -> e.getKey() != h.id && e.getValue().user.equals(call.use.user))
        .filter(e -> hasOpenResults(e.getKey(), e.getValue()))
        .count();
    if (open >= limits.maxStatementsPerUser()) {
      throw new SQLException("too many open statements: " + describe(call.use.user) + " has "
          + open + " with unread results (limit " + limits.maxStatementsPerUser()
          + "); close statements whose results are no longer read", "53000");
    }
    call.statement().setQueryTimeout(stream ? 0 : limits.statementTimeoutSeconds());
  }

  private boolean hasOpenResults(int statementId, Use use) {
    if (use.stream != null) {
      return true;
    }
    StatementInfo info = getStatementCache().asMap().get(statementId);
    try {
      return info != null && info.getResultSet() != null && !info.getResultSet().isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  private static String describe(String user) {
    return user.isEmpty() ? "this server's anonymous (loopback) users" : "user '" + user + "'";
  }

  /**
   * The rows a frame holds: what the client asks, up to the cap; asking for none or for all
   * (fetch size 0, Spark's default, means "the server chooses") gets the cap.
   */
  private int frameRows(int requested) {
    return requested <= 0 ? limits.maxFrameRows() : Math.min(requested, limits.maxFrameRows());
  }

  /** Whether the statement is a SELECT STREAM; text that does not parse is not. */
  static boolean isStream(String sql) {
    try {
      SqlNode node = SqlParser.create(sql, SqlRules.parser()).parseStmt();
      if (node instanceof SqlOrderBy orderBy) {
        node = orderBy.query;
      }
      return node instanceof SqlSelect select
          && select.isKeywordPresent(SqlSelectKeyword.STREAM);
    } catch (SqlParseException e) {
      return false;
    }
  }
}
