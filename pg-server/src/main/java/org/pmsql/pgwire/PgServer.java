package org.pmsql.pgwire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.sql.parser.babel.SqlBabelParserImpl;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpDriver;
import org.pmsql.pgsql.PgCatalog;
import org.pmsql.pgsql.PgSettings;
import org.pmsql.serving.Caller;
import org.pmsql.serving.FailedLogins;
import org.pmsql.serving.Limits;
import org.pmsql.serving.LogRequests;
import org.pmsql.serving.PerClient;
import org.pmsql.serving.ServerTables;
import org.pmsql.serving.ServingCore;
import org.pmsql.serving.Sessions;
import org.pmsql.serving.UsersFile;

/**
 * {@code pmsql serve --pg-port}: the PostgreSQL frontend/backend protocol (version 3) over the
 * serving core, a thread per client connection. Without users it listens on loopback only
 * and trusts who connects there; with users it asks for SCRAM-SHA-256 (cleartext only for an
 * MD5-hashed password, and only over TLS). Each client connection has a connection of its
 * own to the archives, read with PostgreSQL's dialect and catalog.
 */
public final class PgServer implements AutoCloseable {
  /** Connections held at once, from every address together. */
  static final int MAX_CONNECTIONS = 1024;

  /**
   * What to serve and how: {@code users} null serves loopback only without passwords;
   * {@code tls} null refuses SSLRequest; {@code logRequests} null takes no log requests;
   * {@code core} the serving core shared with the server's other front-end (null: one of its
   * own).
   */
  public record Settings(String archives, int port, String bind, List<UsersFile.User> users,
      SSLContext tls, Limits limits, LogRequests logRequests, ServingCore core) {}

  private final Settings settings;
  private final ServerSocket listener;
  private final Thread acceptor;
  private final ServingCore core;
  private final boolean ownCore;
  private final PerClient perAddress = new PerClient(PerClient.MAX_CONNECTIONS_PER_ADDRESS);
  private final Scram.Keys scramKeys = new Scram.Keys();
  private final Map<Integer, PgSession> open = new ConcurrentHashMap<>();
  private final Map<Integer, PgSession.Portal> portals = new ConcurrentHashMap<>();
  private final AtomicInteger processIds = new AtomicInteger(1000);
  /** Statement ids below 0: the serving core's other front-end numbers from 0 up. */
  private final AtomicInteger statementIds = new AtomicInteger();
  private volatile boolean closed;

  private PgServer(Settings settings, ServerSocket listener) {
    this.settings = settings;
    this.listener = listener;
    this.ownCore = settings.core() == null;
    this.core = ownCore ? ServingCore.of(settings.limits()) : settings.core();
    core.statements().attachDownward(new Portals());
    this.acceptor = new Thread(this::accept, "pmsql-pg-accept");
    acceptor.setDaemon(true);
  }

  /** Listens on the port (0: any free one) and starts accepting clients. */
  public static PgServer start(Settings settings) throws IOException {
    String host = settings.bind() != null ? settings.bind()
        : settings.users() == null ? "127.0.0.1" : "0.0.0.0";
    if (settings.users() == null && !InetAddress.getByName(host).isLoopbackAddress()) {
      throw new IllegalArgumentException("--pg-port without --users serves loopback only");
    }
    ServerSocket listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getByName(host), settings.port()), 128);
    PgServer server = new PgServer(settings, listener);
    server.acceptor.start();
    return server;
  }

  public int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      String address = socket.getInetAddress().getHostAddress();
      if (open.size() >= MAX_CONNECTIONS || !perAddress.enter(address)) {
        closeQuietly(socket);
        continue;
      }
      int processId = processIds.incrementAndGet();
      PgSession session = new PgSession(this, socket, processId);
      open.put(processId, session);
      Thread thread = DaemonThreads.named("pmsql-pg-" + processId).newThread(() -> {
        try {
          session.run();
        } finally {
          open.remove(processId);
          perAddress.leave(address);
        }
      });
      thread.start();
    }
  }

  /** A cancel request: the session of that process id, if the key is its, cancels. */
  void cancel(int processId, int key) {
    PgSession session = open.get(processId);
    if (session != null && session.key() == key) {
      session.cancel();
    }
  }

  Settings settings() {
    return settings;
  }

  Sessions sessions() {
    return core.sessions();
  }

  FailedLogins failedLogins() {
    return core.failedLogins();
  }

  Scram.Keys scramKeys() {
    return scramKeys;
  }

  /** A new statement id, and the portal it stands for in the serving core. */
  int register(PgSession.Portal portal) {
    int id = statementIds.decrementAndGet();
    portals.put(id, portal);
    return id;
  }

  void unregister(int statementId) {
    portals.remove(statementId);
    core.sessions().closed(statementId);
  }

  /** A connection to the archives for a client, with PostgreSQL's dialect and catalog. */
  Connection connect(Caller caller, ZoneId zone, PgSettings pgSettings) throws SQLException {
    Properties p = new Properties();
    p.setProperty(ConnectProperties.ARCHIVES.key,
        ServerTables.archivesNow(settings.archives(), settings.logRequests()));
    p.setProperty(ConnectProperties.TIME_ZONE.key, zone.getId());
    p.setProperty("parserFactory", SqlBabelParserImpl.class.getName() + "#FACTORY");
    p.setProperty("fun", "standard,postgresql");
    Connection connection = new PcpDriver().connect(PcpDriver.PREFIX, p);
    try {
      PgCatalog.addTo(connection.unwrap(CalciteConnection.class), pgSettings::get);
      ServerTables.addTo(connection, core.sessions(), settings.logRequests(), caller);
      return connection;
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /** Stops listening, disconnects every client and ends their statements and streams. */
  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    open.values().forEach(PgSession::disconnect);
    if (ownCore) {
      core.sessions().close();
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing: nothing more to do with it
    }
  }

  /** The portals of every session, as the serving core sees statements. */
  private final class Portals implements Sessions.StatementStore {
    @Override
    public Statement statement(int statementId) {
      PgSession.Portal portal = portals.get(statementId);
      return portal == null ? null : portal.statement();
    }

    @Override
    public boolean hasOpenResults(int statementId) {
      PgSession.Portal portal = portals.get(statementId);
      return portal != null && portal.hasOpenResults();
    }

    @Override
    public void close(int statementId) {
      PgSession.Portal portal = portals.remove(statementId);
      if (portal != null) {
        portal.closeResults();
      }
    }

    @Override
    public void inUse(String serverId) {
      // a session's connection lives as long as its socket
    }

    @Override
    public Set<String> expire() {
      return open.values().stream().map(PgSession::serverId).filter(id -> id != null)
          .collect(Collectors.toSet());
    }
  }
}
