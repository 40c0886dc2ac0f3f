package org.pmsql.server;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.pmsql.cli.Errors;
import org.pmsql.cli.Subcommand;
import org.pmsql.jdbc.PcpDriver;
import org.pmsql.pgwire.PgServer;
import org.pmsql.serving.Limits;
import org.pmsql.serving.UsersFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pmsql serve}: remote JDBC (Avatica) over the same schemas as local use, and the
 * PostgreSQL protocol and pmproxy's series API beside it.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve SQL over PCP archives to remote JDBC clients (Avatica protocol),",
        "with --pg-port to PostgreSQL clients too, and with --pmproxy-port pmproxy's",
        "series API (grafana-pcp's Valkey data source).",
        "Clients use the pmsql driver jar with",
        "  jdbc:avatica:remote:url=http://HOST:PORT;serialization=protobuf (or json)",
        "and, with --users, authentication=BASIC;avatica_user=U;avatica_password=P.",
        "Without --users the server listens on 127.0.0.1 only.",
        "SELECT STREAM rows are sent as they are logged; INSERT INTO pcp.log_requests",
        "asks the server to log a metric (see the README)."})
public final class ServeCommand implements Callable<Integer>, Subcommand {
  /** How long a stop waits for running queries to end. */
  private static final int STOP_SECONDS = 5;

  @Option(names = "--archives", paramLabel = "PATH[,PATH...]",
      description = "Archives, directories or pmlogger roots (default: PCP_ARCHIVE_DIR).")
  String archives;

  @Option(names = "--port", paramLabel = "N", defaultValue = "8765",
      description = "TCP port. Default ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--pg-port", paramLabel = "N",
      description = "Also speak the PostgreSQL protocol on this port (psql, Grafana, Python,"
          + " pgjdbc: host=HOST port=N dbname=pcp), with the same users, TLS and limits.")
  Integer pgPort;

  @Option(names = "--pmproxy-port", paramLabel = "N",
      description = "Also serve pmproxy's REST API (its /series/* endpoints, which"
          + " grafana-pcp's Valkey data source calls) on this port (pmproxy's own is 44322),"
          + " straight from the archives, with the same users, TLS and limits.")
  Integer pmproxyPort;

  @Option(names = "--users", paramLabel = "FILE",
      description = "Users, one a line as 'name: password[,role...]'; turns on authentication"
          + " and listening on all interfaces. The role log_requests may request logging.")
  Path users;

  @Option(names = "--bind", paramLabel = "ADDRESS",
      description = "The address to listen on: one of this machine's (default: all interfaces"
          + " with --users, else 127.0.0.1; without --users only a loopback address).")
  String bind;

  @Option(names = "--digest", description = "DIGEST instead of BASIC authentication.")
  boolean digest;

  @Option(names = "--tls-keystore", paramLabel = "FILE",
      description = "Serve HTTPS with this keystore.")
  Path keystore;

  @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD", defaultValue = "",
      description = "The keystore's password.")
  String keystorePassword;

  @Option(names = "--tls-truststore", paramLabel = "FILE",
      description = "Trusted certificates (default: the keystore).")
  Path truststore;

  @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD", defaultValue = "",
      description = "The truststore's password.")
  String truststorePassword;

  @Option(names = "--statement-timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "A query (not a stream) ends with an error after this long; 0: never."
          + " Default ${DEFAULT-VALUE}.")
  int statementTimeout;

  @Option(names = "--max-statements-per-user", paramLabel = "N", defaultValue = "16",
      description = "Statements with unread results one user may keep (anonymous loopback"
          + " users count as one); past that the one read least lately is closed."
          + " Default ${DEFAULT-VALUE}.")
  int maxStatementsPerUser;

  @Option(names = "--max-running-per-user", paramLabel = "N",
      description = "Queries one user may run at once (each user has as many of their own;"
          + " anonymous loopback users count as one). Default: the machine's cores, at"
          + " least 2.")
  Integer maxRunningPerUser;

  @Option(names = "--max-queued-per-user", paramLabel = "N", defaultValue = "32",
      description = "Queries one user may have waiting for a turn to run; more are refused."
          + " Default ${DEFAULT-VALUE}.")
  int maxQueuedPerUser;

  @Option(names = "--max-frame-rows", paramLabel = "N", defaultValue = "10000",
      description = "Most rows in one reply, whatever the client asks. Default ${DEFAULT-VALUE}.")
  int maxFrameRows;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "Statements, streams and connections a client has not used for this"
          + " long are closed. Default ${DEFAULT-VALUE}.")
  int idleTimeout;

  @Option(names = "--log-dir", paramLabel = "DIR",
      description = "Where pmloggers started for INSERTs into pcp.log_requests write (one"
          + " directory per host). Default ~/.pmsql/requested, of which only what this server's"
          + " requests write is served; a directory named here is served whole, earlier"
          + " runs' archives included.")
  Path logDirectory;

  @Option(names = "--min-log-interval-ms", paramLabel = "MS", defaultValue = "1000",
      description = "Shortest interval_ms a log request may ask for. Default ${DEFAULT-VALUE}.")
  int minLogInterval;

  @Option(names = "--max-log-duration", paramLabel = "SECONDS", defaultValue = "604800",
      description = "Longest duration_s of a log request. Default ${DEFAULT-VALUE} (a week).")
  int maxLogDuration;

  @Option(names = "--max-log-requests-per-user", paramLabel = "N", defaultValue = "20",
      description = "Active log requests one user may have. Default ${DEFAULT-VALUE}.")
  int maxLogRequestsPerUser;

  @Option(names = "--advertise",
      description = "Advertise this server and the hosts it holds in DNS-SD (multicast DNS,"
          + " service _pmsql._tcp, as pmfind finds pmcd), for pmsql find --discover and"
          + " jdbc:pcp:discover=true.")
  boolean advertise;

  @Option(names = "--advertise-address", paramLabel = "ADDRESS",
      description = "Advertise on the interface of this address (default: 127.0.0.1 when"
          + " serving loopback only, else the default interface).")
  String advertiseAddress;

  @Override
  public Integer call() {
    PcpServer.Tls tls = keystore == null ? null
        : new PcpServer.Tls(keystore, keystorePassword, truststore, truststorePassword);
    Limits limits = new Limits(statementTimeout, maxStatementsPerUser,
        maxFrameRows, Limits.DEFAULT.streamQueueRows(), idleTimeout, minLogInterval,
        maxLogDuration, maxLogRequestsPerUser,
        maxRunningPerUser == null ? Limits.DEFAULT_RUNNING_PER_USER : maxRunningPerUser,
        maxQueuedPerUser);
    Path logs = logDirectory != null ? logDirectory
        : Path.of(System.getProperty("user.home"), ".pmsql", "requested");
    String served = logDirectory == null ? archives
        : String.join(",", PcpDriver.archivePaths(archives).stream().map(Path::toString)
            .toList()) + "," + logDirectory;
    try (PcpServer server = PcpServer.start(new PcpServer.Settings(served, port, users,
        digest, tls, limits, logs, bind, pmproxyPort));
        PgServer pg = pgPort == null ? null : startPg(server, tls, limits);
        Advertiser advertiser = advertise ? advertise(server) : null) {
      // on SIGTERM/Ctrl-C too: the pmloggers started for log requests must end with the
      // server, and the advertisement be withdrawn; within a bound, since a statement being
      // planned is closed only when its planning ends
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        if (advertiser != null) {
          advertiser.close();
        }
        Thread stopping = new Thread(() -> {
          if (pg != null) {
            pg.close();
          }
          server.close();
        }, "pmsql-serve-stop");
        stopping.setDaemon(true);
        stopping.start();
        try {
          stopping.join(TimeUnit.SECONDS.toMillis(STOP_SECONDS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (stopping.isAlive()) {
          System.err.println("pmsql serve: stopped without waiting more than " + STOP_SECONDS
              + " s for the queries still running");
        }
      }, "pmsql-serve-shutdown"));
      System.err.println("pmsql serve: listening on port " + server.port()
          + (users == null ? " (127.0.0.1 only)" : "") + (keystore != null ? " with TLS" : "")
          + (advertiser == null ? "" : ", advertised in DNS-SD on " + advertiser.address())
          + (pg == null ? "" : "; PostgreSQL protocol on port " + pg.port())
          + (pmproxyPort == null ? "" : "; pmproxy's API on port " + server.pmproxyPort()));
      server.join();
      return 0;
    } catch (Exception e) {
      // a port in use, an unreadable users file or keystore: one line, not a stack trace
      System.err.println("pmsql serve: " + Errors.oneLine(e));
      return 1;
    }
  }

  private PgServer startPg(PcpServer server, PcpServer.Tls tls, Limits limits)
      throws IOException, GeneralSecurityException {
    return PgServer.start(new PgServer.Settings(server.archives(), pgPort, bind,
        users == null ? null : UsersFile.read(users), tls == null ? null : tls.context(), limits,
        server.logRequests(), server.core()));
  }

  private Advertiser advertise(PcpServer server) throws Exception {
    InetAddress on = advertiseAddress != null ? InetAddress.getByName(advertiseAddress)
        : users == null ? InetAddress.getLoopbackAddress() : null;
    return Advertiser.start(on, server.port(), keystore == null ? "http" : "https",
        users == null ? "none" : digest ? "digest" : "basic", server::hosts);
  }
}
