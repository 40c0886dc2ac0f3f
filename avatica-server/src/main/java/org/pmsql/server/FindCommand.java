package org.pmsql.server;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmsql.cli.DiscoverOptions;
import org.pmsql.cli.Subcommand;
import org.pmsql.federation.DnsSd;
import org.pmsql.federation.Federation;
import org.pmsql.jdbc.ConnectProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pmsql find}: which pmsql servers hold which hosts, over what time. Every server is
 * asked at once for its pcp.hosts ({@link Federation#ask}); one that is down or slower than
 * the timeout is named in a warning and the others still answer.
 */
@Command(name = "find", mixinStandardHelpOptions = true,
    description = {"List the hosts each pmsql server holds, with their time spans.",
        "Servers are http(s)://HOST:PORT URLs of pmsql serve, from --servers or PMSQL_SERVERS,",
        "and with --discover those that answer a DNS-SD (multicast DNS) browse."})
public final class FindCommand implements Callable<Integer>, Subcommand {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @Option(names = "--servers", paramLabel = "URL[,URL...]", split = ",",
      description = "pmsql serve URLs (default: PMSQL_SERVERS, comma-separated).")
  List<String> servers;

  @Mixin DiscoverOptions discovery = new DiscoverOptions();

  @Option(names = "--host", paramLabel = "NAME", description = "Only this host.")
  String host;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
      description = "How long to wait for each server. Default ${DEFAULT-VALUE}.")
  int timeout;

  @Option(names = "--user", paramLabel = "NAME", description = "BASIC authentication user.")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD", description = "Its password.")
  String password;

  @Override
  public Integer call() {
    List<String> urls = new ArrayList<>(servers != null ? servers
        : System.getenv("PMSQL_SERVERS") == null ? List.of()
        : ConnectProperties.commaList(System.getenv("PMSQL_SERVERS")));
    if (discovery.discover) {
      try {
        for (String found : DnsSd.browse(discovery.address, discovery.timeoutSeconds)) {
          if (!urls.contains(found)) {
            urls.add(found);
          }
        }
      } catch (IOException e) {
        System.err.println("pmsql find: cannot browse DNS-SD: " + e.getMessage());
        return 1;
      }
    }
    if (urls.isEmpty()) {
      System.err.println("pmsql find: no servers: give --servers URL[,URL...], set"
          + " PMSQL_SERVERS" + (!discovery.discover ? " or use --discover"
          : "; none answered the DNS-SD browse within " + discovery.timeoutSeconds + " s"));
      return 1;
    }
    List<Federation.Answer> answers = Federation.ask(urls, timeout, user, password);
    print(answers, System.out, System.err);
    return answers.stream().anyMatch(a -> a.failure() == null) ? 0 : 1;
  }

  private void print(List<Federation.Answer> answers, PrintStream out, PrintStream err) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"server", "host", "first_ts", "last_ts", "archives"});
    for (Federation.Answer answer : answers) {
      if (answer.failure() != null) {
        err.println("pmsql find: warning: " + answer.server() + ": " + answer.failure());
      }
      for (Federation.HostSpan h : answer.hosts()) {
        if (host == null || host.equals(h.host())) {
          rows.add(new String[] {answer.server(), h.host(), time(h.firstMillis()),
              time(h.lastMillis()), String.valueOf(h.archives())});
        }
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

  private static String time(Long millis) {
    return millis == null ? "" : TIME.format(Instant.ofEpochMilli(millis));
  }
}
