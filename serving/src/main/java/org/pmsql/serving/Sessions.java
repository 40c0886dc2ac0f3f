package org.pmsql.serving;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSelectKeyword;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.sql.PlanningDeadline;
import org.pmsql.sql.SqlRules;

/**
 * What a server keeps of its clients' work, whatever protocol they speak:
 * <ul>
 * <li>a connection belongs to the user who opened it, and only that user reaches it: each
 *     user names connections apart from every other user, so an id another user chose is
 *     neither reached nor revealed ("already exists") by naming it;
 * <li>each user runs only so many queries at once, and so many more wait their turn
 *     ({@link RunningSlots}); planning ends within the statement timeout
 *     ({@link PlanningDeadline}), and a finite query runs at most the statement timeout;
 * <li>each user keeps only so many statements with unread results: past that, the one read
 *     least lately is closed, and says so when next fetched;
 * <li>statements, streams and connections a client stopped using are closed after the idle
 *     timeout (a statement in a call is never idle, however long planning or a first batch
 *     takes);
 * <li>when the heap stays nearly full after a collection, running queries (not streams, whose
 *     memory their queues bound) are cancelled, and say why.
 * </ul>
 * A front-end keeps its statements as its protocol needs ({@link StatementStore}) and tells
 * these sessions what opens, runs and closes.
 */
public final class Sessions implements AutoCloseable {
  /** Running queries are cancelled when the heap is this full after a collection. */
  private static final double HEAP_FRACTION = 0.85;

  /** A front-end's statements and connections, which the sessions ask about and close. */
  public interface StatementStore {
    /** The JDBC statement behind an id, or null when the front-end no longer holds it. */
    Statement statement(int statementId);

    /** Whether the statement has a result set that is still open. */
    boolean hasOpenResults(int statementId);

    /** Closes the statement and its results. */
    void close(int statementId);

    /** A connection ({@link #serverId}) is still in use: the front-end must not expire it. */
    void inUse(String serverId);

    /** Expires what the front-end itself tracks; returns the server ids still open. */
    Set<String> expire();
  }

  private final Limits limits;
  private final StatementStore store;
  private final MemoryGuard memoryGuard;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  private final Map<Integer, Use> uses = new ConcurrentHashMap<>();
  private final RunningSlots running;
  private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pmsql-idle-sweeper"));

  /** A connection's log_missing_ms interval (null: none asked). */
  private record Connection(Integer autoLogInterval) {}

  /**
   * What the server knows of a client's statement: whose it is, whether a call on it is
   * running, when it was last used, and its stream if it serves one.
   */
  private static final class Use {
    final String user;
    final String serverId;
    final AtomicInteger calls = new AtomicInteger();
    volatile long lastUsedNanos = System.nanoTime();
    volatile StreamPump stream;
    volatile boolean cancelledForMemory;
    /** Why the sessions closed this statement's results, or null. */
    volatile String evicted;

    Use(String user, String serverId) {
      this.user = user;
      this.serverId = serverId;
    }

    long idleMillis() {
      return calls.get() > 0 ? 0
          : TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastUsedNanos);
    }
  }

  public Sessions(Limits limits, StatementStore store) {
    this.limits = limits;
    this.store = store;
    this.running = new RunningSlots(limits.maxRunningPerUser(), limits.maxQueuedPerUser());
    this.memoryGuard = new MemoryGuard(HEAP_FRACTION, this::cancelForMemory);
    sweeper.scheduleWithFixedDelay(this::closeIdle, 1, 1, TimeUnit.SECONDS);
  }

  /**
   * The server's id of the connection a caller names: clients choose connection ids, so each
   * user's are kept apart from everyone else's (user names hold no '/').
   */
  public static String serverId(Caller caller, String connectionId) {
    return caller.user() + '/' + connectionId;
  }

  /** A connection opened by {@code caller}; {@code autoLogInterval} null when not asked. */
  public void opened(Caller caller, String connectionId, Integer autoLogInterval) {
    connections.put(serverId(caller, connectionId), new Connection(autoLogInterval));
  }

  /** Whether the caller has a connection of this id open: ids are not credentials. */
  public boolean owns(Caller caller, String connectionId) {
    return connectionId != null && connections.containsKey(serverId(caller, connectionId));
  }

  /** The caller's connection's log_missing_ms interval, or null. */
  public Integer autoLogInterval(Caller caller, String connectionId) {
    Connection connection = connections.get(serverId(caller, connectionId));
    return connection == null ? null : connection.autoLogInterval();
  }

  /** A statement the caller created on a connection of theirs. */
  public void created(int statementId, Caller caller, String connectionId) {
    String serverId = serverId(caller, connectionId);
    if (connections.containsKey(serverId)) {
      uses.put(statementId, new Use(caller.user(), serverId));
    }
  }

  /**
   * One call on a statement, from its start to its end: its use is never idle meanwhile. Null
   * when the statement is unknown or no longer held, or the caller does not own its connection;
   * a statement whose results the sessions closed says why.
   */
  public Call call(Caller caller, String connectionId, int statementId) throws SQLException {
    if (!owns(caller, connectionId)) {
      return null;
    }
    Use use = useOf(serverId(caller, connectionId), statementId);
    if (use != null && use.evicted != null) {
      throw new SQLException(use.evicted, "24000");
    }
    Statement statement = use == null ? null : store.statement(statementId);
    return statement == null ? null : new Call(statementId, use, statement);
  }

  /**
   * Whether the statement is of the caller's connection: statement ids are not credentials
   * either.
   */
  public boolean holds(Caller caller, String connectionId, int statementId) {
    return useOf(serverId(caller, connectionId), statementId) != null;
  }

  /** The statement's use, read once (a close may remove it meanwhile), if the connection's. */
  private Use useOf(String serverId, int statementId) {
    Use use = uses.get(statementId);
    return use != null && use.serverId.equals(serverId) ? use : null;
  }

  /**
   * A turn to compute for a call that has no statement yet (preparing one), waiting while the
   * caller runs as many as the limit.
   */
  public RunningSlots.Slot turn(Caller caller) throws SQLException {
    RunningSlots.Slot turn =
        running.take(caller.user(), describe(caller.user()), limits.statementTimeoutSeconds(),
            false);
    PlanningDeadline planning = PlanningDeadline.start(limits.statementTimeoutSeconds());
    return () -> {
      planning.close();
      turn.close();
    };
  }

  /** A call in progress on one statement; closing it ends the call. */
  public final class Call implements AutoCloseable {
    private final int statementId;
    private final Use use;
    private final Statement statement;
    private RunningSlots.Slot turn;
    private PlanningDeadline planning;

    private Call(int statementId, Use use, Statement statement) {
      this.statementId = statementId;
      this.use = use;
      this.statement = statement;
      use.calls.incrementAndGet();
    }

    public Statement statement() {
      return statement;
    }

    /** The stream this statement serves, or null. */
    public StreamPump stream() {
      return use.stream;
    }

    /** The statement serves this stream from now on. */
    public void serve(StreamPump stream) {
      use.stream = stream;
    }

    /** The stream has ended and been read to its end. */
    public void streamDone() {
      use.stream = null;
    }

    /**
     * Before executing: ends the statement's earlier stream, makes room among the user's
     * statements with unread results, sets the timeout of a finite query, waits for its turn
     * to run, and bounds its planning.
     */
    public void admit(boolean stream) throws SQLException {
      endStream(use);
      makeRoom();
      statement.setQueryTimeout(stream ? 0 : limits.statementTimeoutSeconds());
      if (!stream) {
        computes();
      }
      planning = PlanningDeadline.start(limits.statementTimeoutSeconds());
    }

    /** This call starts computing: it waits for a turn of its user's and holds it to its end. */
    public void computes() throws SQLException {
      takeTurn(false);
    }

    /** This call computes the next rows of open results; it goes before new queries. */
    public void continues() throws SQLException {
      takeTurn(true);
    }

    private void takeTurn(boolean continuing) throws SQLException {
      if (turn == null) {
        turn = running.take(use.user, describe(use.user), limits.statementTimeoutSeconds(),
            continuing);
      }
    }

    /**
     * At the cap of statements with unread results, closes the one of the user's read least
     * lately; refuses only when every one of them is in a call now.
     */
    private void makeRoom() throws SQLException {
      List<Map.Entry<Integer, Use>> unread = uses.entrySet().stream()
          .filter(e -> e.getKey() != statementId && e.getValue().user.equals(use.user))
          .filter(e -> hasOpenResults(e.getKey(), e.getValue()))
          .toList();
      if (unread.size() < limits.maxStatementsPerUser()) {
        return;
      }
      Map.Entry<Integer, Use> idlest = unread.stream()
          .filter(e -> e.getValue().calls.get() == 0)
          .max(Comparator.comparingLong(e -> e.getValue().idleMillis()))
          .orElseThrow(() -> new SQLException("too many open statements: " + describe(use.user)
              + " has " + unread.size() + " with results being read now (limit "
              + limits.maxStatementsPerUser() + ")", "53000"));
      Use evicted = idlest.getValue();
      evicted.evicted = "results closed by the server: " + describe(use.user) + " opened more"
          + " than " + limits.maxStatementsPerUser() + " statements with unread results"
          + " (--max-statements-per-user), and this one had been read least lately; run it"
          + " again";
      endStream(evicted);
      store.close(idlest.getKey());
    }

    /** A query the memory guard cancelled fails with that reason, not "query cancelled". */
    public RuntimeException explain(RuntimeException e) {
      if (!use.cancelledForMemory) {
        return e;
      }
      use.cancelledForMemory = false;
      Runtime heap = Runtime.getRuntime();
      return new RuntimeException(new SQLException("statement cancelled: the server's heap was"
          + " still over " + Math.round(HEAP_FRACTION * 100) + "% full of "
          + (heap.maxMemory() >> 20) + " MB after a collection; ask for less at once (a"
          + " narrower time range, fewer groups, a LIMIT) or give the server more"
          + " (PMSQL_JAVA_OPTS=-Xmx...)", "53200"));
    }

    @Override
    public void close() {
      if (planning != null) {
        planning.close();
      }
      if (turn != null) {
        turn.close();
      }
      use.lastUsedNanos = System.nanoTime();
      use.calls.decrementAndGet();
    }
  }

  /** A statement the client closed: its stream ends. */
  public void closed(int statementId) {
    endStream(uses.remove(statementId));
  }

  /** A connection the caller closed: its statements are forgotten, their streams ended. */
  public void closed(Caller caller, String connectionId) {
    String serverId = serverId(caller, connectionId);
    uses.forEach((id, use) -> {
      if (use.serverId.equals(serverId)) {
        forget(id);
      }
    });
    connections.remove(serverId);
  }

  /** Connections, statements and streams open now. */
  public ServerStatusTable.Counts counts(int logRequests) {
    return new ServerStatusTable.Counts(connections.size(), uses.size(),
        (int) uses.values().stream().filter(u -> u.stream != null).count(), running.running(),
        running.waiting(), logRequests);
  }

  /** Whether the statement is a SELECT STREAM; text that does not parse is not. */
  public static boolean isStream(String sql) {
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

  /** Stops the sweeper and the memory guard, and ends every statement and stream. */
  @Override
  public void close() {
    sweeper.shutdownNow();
    memoryGuard.close();
    uses.keySet().forEach(this::forget);
  }

  private static void endStream(Use use) {
    StreamPump stream = use == null ? null : use.stream;
    if (stream != null) {
      use.stream = null;
      stream.close();
    }
  }

  /** Ends the statement's stream, then closes its results and itself. */
  private void forget(int statementId) {
    endStream(uses.remove(statementId));
    store.close(statementId);
  }

  private void closeIdle() {
    long idleMillis = TimeUnit.SECONDS.toMillis(limits.idleTimeoutSeconds());
    uses.forEach((id, use) -> {
      if (use.idleMillis() > idleMillis) {
        forget(id);
      } else if (use.evicted == null && store.statement(id) == null) {
        uses.remove(id); // expired by the front-end
      } else {
        store.inUse(use.serverId);
      }
    });
    connections.keySet().retainAll(store.expire());
  }

  /** Cancels every running query but streams. */
  private void cancelForMemory() {
    uses.forEach((id, use) -> {
      Statement statement = use.calls.get() > 0 && use.stream == null ? store.statement(id)
          : null;
      if (statement != null) {
        use.cancelledForMemory = true;
        try {
          statement.cancel();
        } catch (SQLException e) {
          // closed meanwhile: it holds nothing any more
        }
      }
    });
  }

  private boolean hasOpenResults(int statementId, Use use) {
    return use.stream != null || store.hasOpenResults(statementId);
  }

  private static String describe(String user) {
    return user.isEmpty() ? "this server's anonymous (loopback) users" : "user '" + user + "'";
  }
}
