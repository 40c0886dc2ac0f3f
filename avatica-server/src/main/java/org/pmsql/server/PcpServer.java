package org.pmsql.server;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;
import org.apache.calcite.avatica.remote.LocalService;
import org.apache.calcite.avatica.server.HttpServer;
import org.apache.calcite.avatica.server.ServerCustomizer;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpDriver;
import org.pmsql.federation.Federation;
import org.pmsql.pmproxy.PmproxyApi;
import org.pmsql.serving.ServerTables;
import org.pmsql.serving.ServingCore;
import org.pmsql.serving.Limits;
import org.pmsql.serving.LogRequests;
import org.pmsql.serving.ServerTls;
import org.pmsql.serving.UsersFile;

/**
 * The jdbc:pcp: schemas served over Avatica's HTTP protocol, read-only, with the server's
 * connection settings pinned. Without users it listens on loopback only; with a users file
 * (Jetty's realm format, {@code name: password[,role...]}) it requires BASIC or DIGEST
 * authentication, and with a keystore it speaks TLS.
 */
public final class PcpServer implements AutoCloseable {
  /**
   * What to serve and how; null fields are off: no users (loopback only), no TLS, and without
   * a log directory no requests to log metrics ({@code pcp.log_requests}).
   */
  public record Settings(String archives, int port, Path users, boolean digest, Tls tls,
      Limits limits, Path logDirectory, String bind, Integer pmproxyPort) {
    /** Without pmproxy's API. */
    public Settings(String archives, int port, Path users, boolean digest, Tls tls,
        Limits limits, Path logDirectory, String bind) {
      this(archives, port, users, digest, tls, limits, logDirectory, bind, null);
    }

    /** Listening where the users rule says: all interfaces with users, else loopback. */
    public Settings(String archives, int port, Path users, boolean digest, Tls tls,
        Limits limits, Path logDirectory) {
      this(archives, port, users, digest, tls, limits, logDirectory, null);
    }

    /** Loopback only, no TLS, no log requests, default limits. */
    public static Settings loopback(String archives, int port) {
      return new Settings(archives, port, null, false, null, Limits.DEFAULT, null);
    }
  }

  /** A keystore for HTTPS; without a truststore the keystore is used as one. */
  public record Tls(Path keystore, String keystorePassword, Path truststore,
      String truststorePassword) {
    /** The keystore as a server's TLS context (for front-ends that are not Jetty's). */
    public SSLContext context() throws IOException, GeneralSecurityException {
      return ServerTls.context(keystore, keystorePassword);
    }
  }

  private static final byte[] PLAIN_HTTP_REFUSED = ("HTTP/1.1 400 Bad Request\r\n"
      + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 49\r\n"
      + "Connection: close\r\n\r\nThis port speaks TLS only: use https:// instead.\n")
      .getBytes(StandardCharsets.US_ASCII);

  /** Connections to the archives pmproxy's API reads with at once. */
  private static final int PMPROXY_CONNECTIONS = 8;

  /** The slowest a request body may arrive, in bytes a second. */
  static final long MIN_BODY_BYTES_PER_SECOND = 64;

  private final HttpServer http;
  private final ServerMeta meta;
  private final Properties served;
  private final LogRequests logRequests;
  private final ServingCore core;
  private final PmproxyApi pmproxy;
  private final ServerConnector pmproxyConnector;
  private boolean closed;

  private PcpServer(HttpServer http, ServerMeta meta, Properties served,
      LogRequests logRequests, ServingCore core, PmproxyApi pmproxy,
      ServerConnector pmproxyConnector) {
    this.pmproxy = pmproxy;
    this.pmproxyConnector = pmproxyConnector;
    this.http = http;
    this.meta = meta;
    this.served = served;
    this.logRequests = logRequests;
    this.core = core;
  }

  public static PcpServer start(Settings settings) throws SQLException {
    List<Path> served = new ArrayList<>(PcpDriver.archivePaths(settings.archives()));
    LogRequests requests = null;
    if (settings.logDirectory() != null) {
      try {
        Files.createDirectories(settings.logDirectory());
      } catch (IOException e) {
        throw new IllegalArgumentException("log directory " + settings.logDirectory()
            + " cannot be made: " + e.getMessage(), e);
      }
      requests = new LogRequests(settings.logDirectory(), settings.limits());
    }
    for (Path path : served) {
      if (!ConnectProperties.exists(path)) {
        throw new IllegalArgumentException("archives: " + path + " does not exist");
      }
    }
    Properties pinned = new Properties();
    pinned.setProperty(ConnectProperties.ARCHIVES.key,
        String.join(",", served.stream().map(Path::toString).toList()));
    // the archive catalog opens (a second or so) before the first client, not during its query
    PcpDriver.prepareCatalog(null, served).join();
    ServingCore core = ServingCore.of(settings.limits());
    ServerMeta meta = new ServerMeta(PcpDriver.PREFIX, pinned, settings.limits(), requests,
        core.sessions(), core.statements());
    LogRequests logRequests = requests;
    PmproxyApi pmproxy = settings.pmproxyPort() == null ? null : new PmproxyApi(
        () -> ServerTables.archivesNow(pinned.getProperty(ConnectProperties.ARCHIVES.key),
            logRequests), core.sessions(), settings.limits().statementTimeoutSeconds(),
        PMPROXY_CONNECTIONS);
    HttpServer.Builder<Server> builder = new HttpServer.Builder<Server>()
        .withHandler(new ServingHandler(ReadableErrors.of(
            OwnedConnections.of(new LocalService(meta), meta::callerOwns), System.err),
            pmproxy))
        .withPort(settings.port());
    if (settings.users() != null) {
      if (!Files.isReadable(settings.users())) {
        throw new IllegalArgumentException("users file " + settings.users() + " is not readable");
      }
      checkUsers(settings.users(), settings.digest());
      // "**": any user the file authenticates, whatever their roles
      String[] anyUser = {"**"};
      if (settings.digest()) {
        builder.withDigestAuthentication(settings.users().toString(), anyUser);
      } else {
        builder.withBasicAuthentication(settings.users().toString(), anyUser);
      }
    }
    List<ServerCustomizer<Server>> customizers = new ArrayList<>();
    ServerConnector[] pmproxyConnector = {null};
    if (pmproxy != null) {
      customizers.add(server -> pmproxyConnector[0] =
          addPmproxyConnector(server, settings.pmproxyPort()));
    }
    customizers.add(PcpServer::refuseTricklingBodies);
    String host = listeningHost(settings);
    if (host != null) {
      customizers.add(server -> listenOn(server, host));
    }
    if (settings.users() != null) {
      customizers.add(server -> server.setHandler(
          new LoginThrottle(server.getHandler(), core.failedLogins(), System.err)));
    }
    ClientBounds bounds = new ClientBounds(System.err);
    customizers.add(server -> {
      for (Connector connector : server.getConnectors()) {
        if (connector instanceof ServerConnector c) {
          c.addBean(bounds, false);
        }
      }
      bounds.setHandler(server.getHandler());
      server.setHandler(bounds);
    });
    Tls tls = settings.tls();
    if (tls != null) {
      customizers.add(PcpServer::refusePlainHttp);
    }
    builder.withServerCustomizers(customizers, Server.class);
    if (tls != null) {
      builder.withTLS(tls.keystore().toFile(), tls.keystorePassword(),
          tls.truststore() != null ? tls.truststore().toFile() : tls.keystore().toFile(),
          tls.truststore() != null ? tls.truststorePassword() : tls.keystorePassword());
    }
    HttpServer http = builder.build();
    try {
      http.start();
    } catch (RuntimeException e) {
      meta.shutdown();
      if (pmproxy != null) {
        pmproxy.close();
      }
      throw e;
    }
    return new PcpServer(http, meta, pinned, requests, core, pmproxy, pmproxyConnector[0]);
  }

  /**
   * Jetty reads the users file itself, as Java properties; it is read strictly first, so what
   * Jetty reads is what the operator wrote, or the server does not start and names the line.
   * DIGEST needs plain passwords (Jetty's stored MD5 is not the digest's hash).
   */
  private static void checkUsers(Path file, boolean digest) {
    try {
      for (UsersFile.User user : UsersFile.read(file)) {
        if (digest && user.hashed()) {
          throw new IllegalArgumentException("users file " + file + ": user '" + user.name()
              + "' has a hashed password, which --digest cannot check; give it plain or use"
              + " BASIC (with TLS)");
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * pmproxy's API listens on a port of its own in the same server, with the same protocol
   * (HTTP or HTTPS), users, and bounds on clients as Avatica's.
   */
  private static ServerConnector addPmproxyConnector(Server server, int port) {
    ServerConnector avatica = (ServerConnector) server.getConnectors()[0];
    List<ConnectionFactory> factories = new ArrayList<>();
    SslConnectionFactory tls = avatica.getConnectionFactory(SslConnectionFactory.class);
    if (tls != null) {
      factories.add(new SslConnectionFactory(tls.getSslContextFactory(),
          tls.getNextProtocol()));
    }
    factories.add(new HttpConnectionFactory(
        avatica.getConnectionFactory(HttpConnectionFactory.class).getHttpConfiguration()));
    ServerConnector connector = new ServerConnector(server,
        factories.toArray(new ConnectionFactory[0]));
    connector.setName(ServingHandler.PMPROXY_CONNECTOR);
    connector.setPort(port);
    connector.setIdleTimeout(avatica.getIdleTimeout());
    server.addConnector(connector);
    return connector;
  }

  /**
   * A request body must arrive at {@value #MIN_BODY_BYTES_PER_SECOND} bytes a second or more
   * (Jetty answers 408 and frees the thread): a body sent a byte every few seconds held a
   * thread each, and 250 of them left other users' requests waiting. Not faster: a busy client
   * sends a small body seconds after its headers (at 1 KiB/s, 64 clients on two cores had a
   * query refused with 408), and a byte a second is cut off at this rate too.
   */
  private static void refuseTricklingBodies(Server server) {
    for (Connector connector : server.getConnectors()) {
      HttpConnectionFactory http = connector.getConnectionFactory(HttpConnectionFactory.class);
      if (http != null) {
        http.getHttpConfiguration().setMinRequestDataRate(MIN_BODY_BYTES_PER_SECOND);
      }
    }
  }

  /**
   * The address to listen on, null for all: the one --bind names, which must be this
   * machine's; without authentication only loopback, so that nobody but this machine's own
   * users may connect.
   */
  private static String listeningHost(Settings settings) {
    if (settings.bind() == null) {
      return settings.users() == null ? "127.0.0.1" : null;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(settings.bind().strip());
      if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
        throw new IllegalArgumentException("--bind " + settings.bind() + " is not an address"
            + " of this machine");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("--bind " + settings.bind() + ": " + e.getMessage(), e);
    }
    if (settings.users() == null && !address.isLoopbackAddress()) {
      throw new IllegalArgumentException("--bind " + settings.bind() + " needs --users: without"
          + " users only loopback is served");
    }
    return address.getHostAddress();
  }

  private static void listenOn(Server server, String host) {
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector c) {
        c.setHost(host);
      }
    }
  }

  /**
   * On a TLS port, answers plain HTTP with a 400 rather than with a TLS alert: Avatica's client
   * retries a connection closed without an HTTP response forever, so a client configured with
   * http:// instead of https:// would hang, reconnecting a thousand times a second.
   */
  private static void refusePlainHttp(Server server) {
    for (Connector connector : server.getConnectors()) {
      SslConnectionFactory tls = connector instanceof ServerConnector c
          ? c.getConnectionFactory(SslConnectionFactory.class) : null;
      if (tls != null) {
        ((ServerConnector) connector).addFirstConnectionFactory(
            new DetectorConnectionFactory(tls) {
              @Override
              protected void nextProtocol(Connector on, EndPoint endPoint, ByteBuffer buffer) {
                int first = buffer.hasRemaining() ? buffer.get(buffer.position()) & 0xFF : 0;
                if (first >= 'A' && first <= 'Z') { // an HTTP method
                  endPoint.write(Callback.from(endPoint::close, failed -> endPoint.close()),
                      ByteBuffer.wrap(PLAIN_HTTP_REFUSED));
                } else {
                  endPoint.close();
                }
              }
            });
      }
    }
  }

  public int port() {
    return http.getPort();
  }

  /** The port pmproxy's API listens on, or -1 when it is not served. */
  public int pmproxyPort() {
    return pmproxyConnector == null ? -1 : pmproxyConnector.getLocalPort();
  }

  /** The archives served (before any log request's). */
  public String archives() {
    return served.getProperty(ConnectProperties.ARCHIVES.key);
  }

  /** What this server's front-ends share: sessions, statements, failed logins. */
  public ServingCore core() {
    return core;
  }

  /** The server's log requests, or null when it takes none. */
  public LogRequests logRequests() {
    return logRequests;
  }

  /** The hosts served now, as in pcp.hosts. */
  public List<Federation.HostSpan> hosts() throws SQLException {
    try (Connection c = DriverManager.getConnection(PcpDriver.PREFIX, served)) {
      return Federation.hosts(c);
    }
  }

  /** Waits until the server stops. */
  public void join() throws InterruptedException {
    http.join();
  }

  /** Stops serving; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      http.stop();
      meta.shutdown();
      if (pmproxy != null) {
        pmproxy.close();
      }
    }
  }

}
