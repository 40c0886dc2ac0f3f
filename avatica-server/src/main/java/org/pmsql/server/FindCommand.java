package org.pmsql.server;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.pmsql.cli.Errors;
import org.pmsql.cli.Subcommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code pmsql find}: which pmsql servers hold which hosts, over what time. Every server is
 * asked at once for its pcp.hosts; one that is down or slower than the timeout is named in a
 * warning and the others still answer.
 */
@Command(name = "find", mixinStandardHelpOptions = true,
    description = {"List the hosts each pmsql server holds, with their time spans.",
        "Servers are http(s)://HOST:PORT URLs of pmsql serve, from --servers or PMSQL_SERVERS."})
public final class FindCommand implements Callable<Integer>, Subcommand {
  @Option(names = "--servers", paramLabel = "URL[,URL...]", split = ",",
      description = "pmsql serve URLs (default: PMSQL_SERVERS, comma-separated).")
  List<String> servers;

  @Option(names = "--host", paramLabel = "NAME", description = "Only this host.")
  String host;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
      description = "How long to wait for each server. Default ${DEFAULT-VALUE}.")
  int timeout;

  @Option(names = "--user", paramLabel = "NAME", description = "BASIC authentication user.")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", description = "Its password.")
  String password;

  /** One server's answer: its hosts, or why there are none. */
  private record Answer(String server, List<String[]> hosts, String failure) {}

  @Override
  public Integer call() {
    List<String> urls = servers != null ? servers
        : System.getenv("PMSQL_SERVERS") == null ? List.of()
        : List.of(System.getenv("PMSQL_SERVERS").split(","));
    if (urls.isEmpty()) {
      System.err.println("pmsql find: no servers: give --servers URL[,URL...] or set"
          + " PMSQL_SERVERS");
      return 1;
    }
    ExecutorService askers = Executors.newFixedThreadPool(Math.min(urls.size(), 16),
        DaemonThreads.named("pmsql-find"));
    try {
      List<Future<Answer>> pending = new ArrayList<>();
      for (String url : urls) {
        pending.add(askers.submit(() -> ask(url.strip())));
      }
      List<Answer> answers = new ArrayList<>();
      for (int i = 0; i < urls.size(); i++) {
        try {
          answers.add(pending.get(i).get(timeout + 2L, TimeUnit.SECONDS));
        } catch (Exception e) {
          pending.get(i).cancel(true);
          answers.add(new Answer(urls.get(i), List.of(), "no answer in " + timeout + " s"));
        }
      }
      print(answers, System.out, System.err);
      return answers.stream().anyMatch(a -> a.failure() == null) ? 0 : 1;
    } finally {
      askers.shutdownNow();
    }
  }

  private Answer ask(String server) {
    Properties properties = new Properties();
    properties.setProperty("http_connection_timeout", Long.toString(timeout * 1000L));
    properties.setProperty("http_response_timeout", Long.toString(timeout * 1000L));
    if (user != null) {
      properties.setProperty("authentication", "BASIC");
      properties.setProperty("avatica_user", user);
      properties.setProperty("avatica_password", password == null ? "" : password);
    }
    String sql = "SELECT host, first_ts, last_ts, archive_count FROM pcp.hosts"
        + (host != null ? " WHERE host = ?" : "") + " ORDER BY host";
    try (Connection c = DriverManager.getConnection(
            "jdbc:avatica:remote:url=" + server + ";serialization=protobuf", properties);
        PreparedStatement s = c.prepareStatement(sql)) {
      if (host != null) {
        s.setString(1, host);
      }
      List<String[]> hosts = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          hosts.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3),
              rs.getString(4)});
        }
      }
      return new Answer(server, hosts, null);
    } catch (Exception e) {
      // the stock Avatica client reports refusals and HTTP errors as runtime exceptions
      return new Answer(server, List.of(), Errors.oneLine(e));
    }
  }

  private static void print(List<Answer> answers, PrintStream out, PrintStream err) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"server", "host", "first_ts", "last_ts", "archives"});
    for (Answer answer : answers) {
      if (answer.failure() != null) {
        err.println("pmsql find: warning: " + answer.server() + ": " + answer.failure());
      }
      for (String[] h : answer.hosts()) {
        rows.add(new String[] {answer.server(), h[0], h[1], h[2], h[3]});
      }
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], String.valueOf(row[i]).length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
