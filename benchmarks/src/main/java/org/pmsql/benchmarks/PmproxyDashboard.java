package org.pmsql.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java side of benchmarks/run-pmproxy-bench: a host-overview dashboard's refresh as
 * grafana-pcp's Valkey data source makes it, against pmproxy (with Redis) and against pmsql's
 * pmproxy API: for each panel's metric the series of the host ({@code /series/query}), their
 * descriptors, instances and labels, then their values over the window at the panel's
 * interval, widened as grafana-pcp widens it; six panels at a time, as a browser loads them.
 * The first refresh, and the median of the next
 * ones (pmsql keeps what a refresh read), with the values counted.
 */
public final class PmproxyDashboard {
  /**
   * The query targets of grafana-pcp's Valkey host overview (pcp-valkey-host-overview.jsonnet),
   * one request sequence each, as far as the archive has their metrics.
   */
  static final List<String> PANELS = List.of("kernel.all.load", "mem.util.free",
      "mem.util.cached", "mem.physmem", "kernel.percpu.cpu.user", "kernel.percpu.cpu.sys",
      "kernel.all.pswitch", "kernel.all.runnable", "mem.util.used", "mem.vmstat.pgfault",
      "mem.vmstat.pgmajfault", "network.interface.in.bytes", "network.interface.out.bytes",
      "network.interface.in.drops", "network.interface.out.drops",
      "network.interface.in.packets", "network.interface.out.packets", "network.tcp.timeouts",
      "network.tcp.listendrops", "network.tcp.listenoverflows", "network.tcp.retranssegs",
      "network.tcp.fastretrans", "network.tcp.slowstartretrans", "network.tcp.synretrans",
      "disk.dev.read_rawactive", "disk.dev.write_rawactive", "disk.dev.read",
      "disk.dev.write", "disk.dev.read_bytes", "disk.dev.write_bytes", "disk.dev.avactive");
  /** Panels a browser loads at once (its connections to one server). */
  private static final int PANELS_AT_ONCE = 6;
  private static final Pattern ID = Pattern.compile("\"([0-9a-f]{40})\"");
  private static final Pattern INSTANCE = Pattern.compile("\"instance\":\"([0-9a-f]{40})\"");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private PmproxyDashboard() {}

  public static void main(String[] args) throws Exception {
    String pmproxy = args[0];
    String pmsql = args[1];
    String host = args[2];
    long from = Long.parseLong(args[3]);
    long to = Long.parseLong(args[4]);
    int passes = Integer.parseInt(args[5]);
    // grafana's interval for 1,000 points, and grafana-pcp's widening of the window
    long interval = Math.max(1, Math.round((to - from) / 1000.0));
    long widen = Math.max(interval, 60);
    String start = String.valueOf(from - 2 * widen);
    String finish = String.valueOf(to + widen);
    String step = String.valueOf(interval);
    Map<String, Long> theirValues = new TreeMap<>();
    Map<String, Long> ourValues = new TreeMap<>();
    double[] theirs = refreshes(pmproxy, host, start, finish, step, passes, theirValues);
    double[] ours = refreshes(pmsql, host, start, finish, step, passes, ourValues);
    System.out.printf("%-34s %12s %12s %8s%n", "dashboard refresh (" + PANELS.size()
        + " targets)", "pmproxy", "pmsql", "ratio");
    System.out.printf("%-34s %10.1f ms %9.1f ms %8.2f%n", "first refresh", theirs[0] * 1e3,
        ours[0] * 1e3, theirs[0] / ours[0]);
    System.out.printf("%-34s %10.1f ms %9.1f ms %8.2f%n", "median of the next " + (passes - 1),
        median(theirs) * 1e3, median(ours) * 1e3, median(theirs) / median(ours));
    System.out.printf("%-34s %10.0f %12.0f%n", "values in a refresh", theirs[passes],
        ours[passes]);
    theirValues.forEach((metric, count) -> {
      if (!count.equals(ourValues.get(metric))) {
        System.out.printf("  %-32s %10d %12d%n", metric, count, ourValues.get(metric));
      }
    });
  }

  /** Seconds of each refresh, then the values one refresh returned (also by panel). */
  private static double[] refreshes(String server, String host, String start, String finish,
      String step, int passes, Map<String, Long> byPanel) throws Exception {
    double[] seconds = new double[passes + 1];
    ExecutorService browser = Executors.newFixedThreadPool(PANELS_AT_ONCE);
    try {
      for (int pass = 0; pass < passes; pass++) {
        long begin = System.nanoTime();
        List<Future<Long>> panels = new ArrayList<>();
        for (String metric : PANELS) {
          panels.add(browser.submit(() -> panel(server, host, metric, start, finish, step)));
        }
        long values = 0;
        for (int i = 0; i < panels.size(); i++) {
          long panelValues = panels.get(i).get();
          byPanel.put(PANELS.get(i), panelValues);
          values += panelValues;
        }
        seconds[pass] = (System.nanoTime() - begin) / 1e9;
        seconds[passes] = values;
      }
    } finally {
      browser.shutdownNow();
    }
    return seconds;
  }

  /** One panel's requests; the values it got. */
  private static long panel(String server, String host, String metric, String start,
      String finish, String step) throws Exception {
    String ids = String.join(",", all(ID, get(server, "/series/query", "expr",
        metric + "{hostname==\"" + host + "\"}")));
    if (ids.isEmpty()) {
      return 0;
    }
    get(server, "/series/descs", "series", ids);
    String instances = String.join(",", all(INSTANCE, get(server, "/series/instances",
        "series", ids)));
    get(server, "/series/labels", "series", instances.isEmpty() ? ids : instances);
    String body = get(server, "/series/values", "series", ids, "start", start, "finish",
        finish, "interval", step);
    return body.split("\"timestamp\"", -1).length - 1;
  }

  private static List<String> all(Pattern pattern, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      if (!found.contains(m.group(1))) {
        found.add(m.group(1));
      }
    }
    return found;
  }

  private static String get(String server, String path, String... parameters)
      throws Exception {
    StringBuilder uri = new StringBuilder(server).append(path);
    for (int i = 0; i + 1 < parameters.length; i += 2) {
      uri.append(i == 0 ? '?' : '&').append(parameters[i]).append('=')
          .append(URLEncoder.encode(parameters[i + 1], StandardCharsets.UTF_8));
    }
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri.toString()))
        .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(server + path + ": HTTP " + r.statusCode() + " "
          + r.body());
    }
    return r.body();
  }

  /** The median of the refreshes after the first (the array's last entry is a count). */
  private static double median(double[] seconds) {
    double[] passes = Arrays.copyOfRange(seconds, 1, seconds.length - 1);
    Arrays.sort(passes);
    return passes[passes.length / 2];
  }
}
