package org.pmsql.serving;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.pmsql.archive.source.DaemonThreads;

/**
 * Requests to log metrics that are not logged yet, shared by every connection to the server.
 * Requests for one host and metric merge: the metric is logged at the shortest interval any
 * active request asks for, until the last of them expires or is withdrawn. Each host with
 * requests has one pmlogger of the server's own ({@link RequestedLogger}); when its last request
 * ends, that pmlogger ends and its archive stays, served like any other.
 */
public final class LogRequests implements AutoCloseable {
  /** Needed to make requests when the server has users. */
  public static final String ROLE = "log_requests";
  private static final Pattern METRIC = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:\\-]*");

  private record Request(long id, String host, String metric, int intervalMillis,
      int durationSeconds, String user, long requestedMillis, long expiresMillis) {}

  private final Path directory;
  private final Limits limits;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, Request> requests = new LinkedHashMap<>();
  private final Map<String, RequestedLogger> loggers = new HashMap<>();
  /** The host directories this server's pmloggers have written to. */
  private final Set<Path> written = new LinkedHashSet<>();
  private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(
      DaemonThreads.named("pmsql-log-request-expiry"));

  public LogRequests(Path directory, Limits limits) {
    this.directory = directory;
    this.limits = limits;
    expiry.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
  }

  /** The directory the requested archives go to, one subdirectory per host. */
  Path directory() {
    return directory;
  }

  /** The host directories this server's own requests have written archives to. */
  public synchronized List<Path> written() {
    return List.copyOf(written);
  }

  /**
   * Adds a request and has it logged before returning its id; anything that stands in the way
   * (no role, a bad name or interval, a limit, an unknown metric, an unreachable pmcd, pmlogger
   * or pmlc failing) fails the INSERT with an error saying so.
   */
  long add(Caller caller, String host, String metric, int intervalMillis, int durationSeconds) {
    if (!caller.mayRequestLogging()) {
      throw refused("user '" + caller.user() + "' may not request logging: the role '" + ROLE
          + "' is needed (users file: name: password," + ROLE + ")");
    }
    if (!HOST.matcher(host).matches()) {
      throw refused("not a host name: '" + host + "'");
    }
    if (!METRIC.matcher(metric).matches()) {
      throw refused("not a metric name: '" + metric + "'");
    }
    if (intervalMillis < limits.minLogIntervalMillis()) {
      throw refused("interval_ms " + intervalMillis + " is below this server's minimum of "
          + limits.minLogIntervalMillis());
    }
    if (durationSeconds < 1 || durationSeconds > limits.maxLogDurationSeconds()) {
      throw refused("duration_s must be from 1 to " + limits.maxLogDurationSeconds() + ", not "
          + durationSeconds);
    }
    checkMetric(host, metric);
    synchronized (this) {
      long mine = requests.values().stream().filter(r -> r.user().equals(caller.user())).count();
      if (mine >= limits.maxLogRequestsPerUser()) {
        throw refused(describe(caller.user()) + " already has " + mine + " requests (limit "
            + limits.maxLogRequestsPerUser()
            + "); withdraw one with DELETE FROM pcp.log_requests WHERE id = ..");
      }
      long now = System.currentTimeMillis();
      Request request = new Request(ids.incrementAndGet(), host, metric, intervalMillis,
          durationSeconds, caller.user(), now, now + durationSeconds * 1000L);
      requests.put(request.id(), request);
      try {
        arrange(host);
      } catch (IOException | RuntimeException e) {
        requests.remove(request.id());
        throw refused(e.getMessage());
      }
      return request.id();
    }
  }

  /** A leaf metric pmcd on the host knows; pmlc would take a subtree name and log all of it. */
  private static void checkMetric(String host, String metric) {
    PcpCommand.Result names;
    try {
      names = PcpCommand.run(15, "", List.of("pminfo", "-h", host, metric));
    } catch (IOException e) {
      throw refused("cannot ask pmcd on " + host + " about " + metric + ": " + e.getMessage());
    }
    if (names.exitCode() != 0) {
      throw refused(String.join(" ", names.stderr().strip().split("\\s+")));
    }
    if (!names.stdout().strip().equals(metric)) {
      throw refused(metric + " is not a single metric on " + host + " but a subtree of "
          + names.stdout().strip().split("\\s+").length + "; name one of them");
    }
  }

  /** Withdraws a request; the caller must have made it (or be the only, anonymous, user). */
  synchronized boolean withdraw(Caller caller, long id) {
    Request request = requests.get(id);
    if (request == null) {
      return false;
    }
    if (!request.user().equals(caller.user())) {
      throw refused("request " + id + " is " + describe(request.user()) + "'s");
    }
    requests.remove(id);
    try {
      arrange(request.host());
    } catch (IOException e) {
      throw refused(e.getMessage());
    }
    return true;
  }

  public synchronized int size() {
    return requests.size();
  }

  synchronized List<Object[]> rows() {
    List<Object[]> rows = new ArrayList<>();
    for (Request r : requests.values()) {
      RequestedLogger logger = loggers.get(r.host());
      Integer every = logger == null ? null : wanted(r.host()).get(r.metric());
      rows.add(new Object[] {r.host(), r.metric(), r.intervalMillis(), r.durationSeconds(),
          r.id(), r.user(), r.requestedMillis(), r.expiresMillis(),
          logger == null ? "not logging" : logger.isAlive() ? "logging" : "pmlogger ended",
          every, logger == null ? null : logger.archive().toString()});
    }
    return rows;
  }

  /** The metrics of a host's active requests, each at the shortest interval asked for it. */
  private Map<String, Integer> wanted(String host) {
    Map<String, Integer> wanted = new HashMap<>();
    for (Request r : requests.values()) {
      if (r.host().equals(host)) {
        wanted.merge(r.metric(), r.intervalMillis(), Math::min);
      }
    }
    return wanted;
  }

  /** Brings the host's pmlogger in line with its requests: started, told, or ended. */
  private void arrange(String host) throws IOException {
    Map<String, Integer> wanted = wanted(host);
    RequestedLogger logger = loggers.get(host);
    if (wanted.isEmpty()) {
      if (logger != null) {
        loggers.remove(host).close();
      }
      return;
    }
    if (logger == null || !logger.isAlive()) {
      logger = RequestedLogger.start(host, directory.resolve(host));
      loggers.put(host, logger);
      written.add(directory.resolve(host));
    }
    logger.log(wanted);
  }

  private synchronized void expire() {
    long now = System.currentTimeMillis();
    List<String> hosts = new ArrayList<>();
    requests.values().removeIf(r -> {
      boolean over = r.expiresMillis() <= now;
      if (over && !hosts.contains(r.host())) {
        hosts.add(r.host());
      }
      return over;
    });
    loggers.forEach((host, logger) -> {
      if (!logger.isAlive() && !hosts.contains(host)) {
        hosts.add(host); // pmlogger died (pmcd restarted, killed): start another
      }
    });
    for (String host : hosts) {
      try {
        arrange(host);
      } catch (IOException | RuntimeException e) {
        System.err.println("pmsql serve: logging requests for " + host + ": " + e.getMessage());
      }
    }
  }

  private static String describe(String user) {
    return user.isEmpty() ? "the anonymous (loopback) user" : "user '" + user + "'";
  }

  private static RuntimeException refused(String message) {
    return new IllegalArgumentException("log request refused: " + message);
  }

  @Override
  public synchronized void close() {
    expiry.shutdownNow();
    loggers.values().forEach(RequestedLogger::close);
    loggers.clear();
  }
}
