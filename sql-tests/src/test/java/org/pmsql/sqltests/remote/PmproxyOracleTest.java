package org.pmsql.sqltests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.server.PcpServer;
import org.pmsql.serving.Limits;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmlogger;
import org.pmsql.testsupport.Pmrep;

/**
 * pmsql's pmproxy API against the real thing: Debian's redis-server and PCP's own pmproxy with
 * its series API, loaded by {@code pmseries --load} with corpus archives (no labels; labels
 * logged after the start; several agents' labels) and an archive a pmlogger writes during the
 * test. Every series pmproxy holds has the same id from pmsql, with the same descriptor,
 * instances (pmproxy's are among pmsql's), labels and values (raw, sampled at an interval, the newest few); queries with
 * qualifiers and globs name the same series; names and label values agree; bad requests are
 * 400s with pmproxy's JSON error shape.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PmproxyOracleTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  private static final List<String> CORPUS_ARCHIVES = List.of("20180102", "sample-labels",
      "pcp-zeroconf");

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) static Path dir;

  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Process> processes = new ArrayList<>();
  /** Each archive served, by its host name. */
  private final Map<String, Path> hosts = new LinkedHashMap<>();
  private PcpServer pmsql;
  private String theirs;
  private String ours;
  private int redisPort;

  @BeforeAll
  void start() throws Exception {
    redisPort = freePort();
    int pmproxyPort = freePort();
    processes.add(new ProcessBuilder(PcpTools.tool("redis-server").toString(), "--port",
        Integer.toString(redisPort), "--save", "", "--appendonly", "no", "--bind",
        "127.0.0.1").redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile())
        .start());
    Path config = dir.resolve("pmproxy.conf");
    Files.writeString(config, String.join("\n", "[pmproxy]", "pcp.enabled = true",
        "http.enabled = true", "redis.enabled = true", "secure.enabled = false", "[redis]",
        "enabled = true", "servers = localhost:" + redisPort, "[keys]", "enabled = true",
        "servers = localhost:" + redisPort, "[discover]", "enabled = false", "[pmseries]",
        "enabled = true", "servers = localhost:" + redisPort, ""));
    processes.add(new ProcessBuilder(PcpTools.tool("pmproxy").toString(), "-f", "-A", "-U",
        System.getProperty("user.name"), "-c", config.toString(), "-p",
        Integer.toString(pmproxyPort), "-s", dir.resolve("pmproxy.socket").toString(), "-l",
        dir.resolve("pmproxy.log").toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("pmproxy.out").toFile()).start());
    theirs = "http://127.0.0.1:" + pmproxyPort;
    awaitPing(theirs, dir.resolve("pmproxy.log"));

    List<Path> archives = new ArrayList<>();
    for (String name : CORPUS_ARCHIVES) {
      archives.add(PcpTools.corpus().resolve(name));
    }
    Path logged = Files.createDirectories(dir.resolve("logged"));
    archives.add(Pmlogger.record(logged, "now", 3, 6));
    for (Path archive : archives) {
      PcpTools.Result load = PcpTools.run(120, PcpTools.tool("pmseries").toString(), "-p",
          Integer.toString(redisPort), "--load", archive.toString());
      assertEquals(0, load.exitCode(), "pmseries --load " + archive + ": " + load.output());
      String host = PcpTools.run(30, PcpTools.tool("pmdumplog").toString(), "-l",
          archive.toString()).output().lines().filter(l -> l.startsWith("Performance metrics"))
          .findFirst().orElseThrow().replaceFirst(".* from host ", "").strip();
      hosts.put(host, archive);
    }
    pmsql = PcpServer.start(new PcpServer.Settings(String.join(",",
        archives.stream().map(Path::toString).toList()), 0, null, false, null, Limits.DEFAULT,
        null, null, 0));
    ours = "http://127.0.0.1:" + pmsql.pmproxyPort();
  }

  @AfterAll
  void stop() {
    if (pmsql != null) {
      pmsql.close();
    }
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void everySeriesPmproxyHoldsHasTheSameIdDescriptorInstancesAndLabels() throws Exception {
    int compared = 0;
    for (String host : hosts.keySet()) {
      JsonNode hostIds = get(ours, "/series/query", "expr", "{hostname==\"" + host + "\"}");
      for (JsonNode metric : post(ours, "/series/metrics", "series", join(hostIds))) {
        String name = metric.get("name").asText();
        String expr = name + "{hostname==\"" + host + "\"}";
        JsonNode theirIds = get(theirs, "/series/query", "expr", expr);
        if (theirIds.isEmpty()) {
          continue; // pmproxy holds series with values only; pmsql has every metric's
        }
        JsonNode ourIds = get(ours, "/series/query", "expr", expr);
        assertEquals(theirIds, ourIds, "series ids of " + expr);
        String ids = join(ourIds);
        assertEquals(get(theirs, "/series/descs", "series", ids),
            get(ours, "/series/descs", "series", ids), "descriptor of " + expr);
        // pmproxy lists the instances it loaded values of, pmsql every one the archive's
        // instance domain names for the metric; pmproxy keeps one number per instance id,
        // and its ids are of a name and labels only, so "lo" of one instance domain gets
        // the number "lo" has in another: the numbers are compared with pmdumplog's instead
        // (instanceNumbersAreTheArchives)
        List<String> ourInstances = withoutNumbers(get(ours, "/series/instances", "series", ids));
        List<String> theirInstances = withoutNumbers(get(theirs, "/series/instances", "series",
            ids));
        assertTrue(ourInstances.containsAll(theirInstances), "instances of " + expr
            + ": pmproxy's " + theirInstances + ", pmsql's " + ourInstances);
        List<String> instanceIds = new ArrayList<>();
        get(theirs, "/series/instances", "series", ids)
            .forEach(i -> instanceIds.add(i.get("instance").asText()));
        if (!instanceIds.isEmpty()) {
          String instances = String.join(",", instanceIds);
          assertEquals(bySeries(get(theirs, "/series/labels", "series", instances)),
              bySeries(get(ours, "/series/labels", "series", instances)),
              "instance labels of " + expr);
        } else if (ourInstances.isEmpty()) {
          assertEquals(bySeries(get(theirs, "/series/labels", "series", ids)),
              bySeries(get(ours, "/series/labels", "series", ids)), "labels of " + expr);
        }
        compared++;
      }
    }
    assertTrue(compared > 500, "only " + compared + " series compared");
  }

  @Test
  void instanceNumbersAreTheArchives() throws Exception {
    Path bozo = hosts.get("bozo");
    for (String metric : List.of("network.interface.inet_addr", "kernel.all.load",
        "pmcd.agent.status")) {
      JsonNode ids = get(ours, "/series/query", "expr", metric + "{hostname==\"bozo\"}");
      String indom = get(ours, "/series/descs", "series", ids.get(0).asText()).get(0)
          .get("indom").asText();
      String dump = PcpTools.run(60, PcpTools.tool("pmdumplog").toString(), "-i",
          bozo.toString()).output();
      String section = dump.substring(dump.indexOf("InDom: " + indom + "\n"));
      int next = section.indexOf("\nInDom: ", 1);
      section = next < 0 ? section : section.substring(0, next);
      JsonNode instances = get(ours, "/series/instances", "series", ids.get(0).asText());
      assertTrue(instances.size() > 0, metric);
      for (JsonNode i : instances) {
        String line = i.get("id").asInt() + " or \"" + i.get("name").asText() + "\"";
        assertTrue(section.contains(" " + line + "\n"), metric + ": " + line
            + " is not in pmdumplog's instance domain " + indom);
      }
    }
  }

  @Test
  void valuesAgreeRawSampledAndNewest() throws Exception {
    int compared = 0;
    for (String host : hosts.keySet()) {
      JsonNode names = post(ours, "/series/metrics", "series", join(get(ours,
          "/series/query", "expr", "{hostname==\"" + host + "\"}")));
      for (int i = 0; i < names.size(); i += Math.max(1, names.size() / 15)) {
        JsonNode ids = get(theirs, "/series/query", "expr",
            names.get(i).get("name").asText() + "{hostname==\"" + host + "\"}");
        if (ids.isEmpty()) {
          continue;
        }
        String id = ids.get(0).asText();
        JsonNode all = get(theirs, "/series/values", "series", id, "start", "0");
        sameValues(all, get(ours, "/series/values", "series", id, "start", "0"),
            "values of " + names.get(i) + " on " + host);
        String first = all.get(0).get("timestamp").decimalValue().movePointLeft(3).toPlainString();
        for (String interval : List.of("10", "1min", "300")) {
          sameValues(get(theirs, "/series/values", "series", id, "start", first, "interval",
              interval), get(ours, "/series/values", "series", id, "start", first, "interval",
              interval), "values of " + names.get(i) + " every " + interval);
        }
        sameValues(get(theirs, "/series/values", "series", id, "samples", "3"),
            get(ours, "/series/values", "series", id, "samples", "3"),
            "newest 3 values of " + names.get(i));
        compared++;
      }
    }
    assertTrue(compared >= 30, "only " + compared + " series' values compared");
  }

  @Test
  void queriesNameTheSameSeries() throws Exception {
    for (String expr : List.of("kernel.all.load", "kernel.all.l*", "kernel.all.load{hostname=="
        + "\"bozo\"}", "kernel.all.load{hostname==\"bozo\" || hostname==\"shack\"}",
        "disk.dev.read{instance.name==\"sda\"}", "sample.*{role==\"testing\"}",
        "kernel.all.cpu.*{hostname=~\"sh.*\", agent==\"linux\"}",
        "kernel.all.load{metric.name~~\"*.all.load\"}",
        "kernel.all.load{instance.name==\"1 minute\"}[samples:1]",
        "kernel.all.load{hostname==\"bozo\"}[start:1514812211,finish:1514813891.6,"
            + "interval:300]")) {
      JsonNode expected = get(theirs, "/series/query", "expr", expr);
      JsonNode actual = get(ours, "/series/query", "expr", expr);
      if (expr.contains("[")) {
        sameValues(expected, actual, expr);
      } else {
        assertEquals(sorted(expected), sorted(actual), expr);
      }
      assertTrue(!expected.isEmpty(), "pmproxy names no series for " + expr);
    }
  }

  @Test
  void namesAndLabelValuesAgree() throws Exception {
    for (String[] request : List.of(new String[] {"/series/metrics", "match", "kernel.all.*"},
        new String[] {"/series/instances", "match", "sd*"},
        new String[] {"/series/labels", "match", "*"},
        new String[] {"/series/sources", "match", "*"})) {
      assertEquals(sorted(get(theirs, request)), sorted(get(ours, request)),
          String.join(" ", request));
    }
    JsonNode expected = get(theirs, "/series/labels", "names", "hostname,agent,role");
    JsonNode actual = get(ours, "/series/labels", "names", "hostname,agent,role");
    for (String name : List.of("hostname", "agent", "role")) {
      assertEquals(sorted(expected.get(name)), sorted(actual.get(name)), "values of " + name);
    }
  }

  @Test
  void badRequestsAreJsonErrors() throws Exception {
    for (String[] request : List.of(new String[] {"/series/query", "expr", "kernel.all.load{"},
        new String[] {"/series/values", "series", "xyz"},
        new String[] {"/series/values", "series", "d6a28fcd20e6fe1dd56f7ab3f20a2a974ebea480",
            "samples", "many"},
        new String[] {"/series/values", "series", "d6a28fcd20e6fe1dd56f7ab3f20a2a974ebea480",
            "start", "yesterday-ish"})) {
      for (String server : List.of(theirs, ours)) {
        Reply r = send(server, request);
        assertEquals(400, r.statusCode(), server + String.join(" ", request) + ": " + r.body());
        if (server.equals(ours)) {
          JsonNode error = JSON.readTree(r.body());
          assertEquals(false, error.get("success").asBoolean(), r.body());
          assertTrue(error.get("message").asText().length() > 10, r.body());
        }
      }
    }
  }

  /**
   * Vector's PMAPI calls, answered by pmproxy from this machine's pmcd and by pmsql from the
   * archive a pmlogger wrote of it: the same host, descriptors and help, instance domains and
   * errors (Vector matches their messages); values as libpcp (pmrep) reads the archive's last
   * record; series ids as pmseries --load computed them for that archive.
   */
  @Test
  void pmapiAnswersForTheLoggedHostAsPmcdDoes() throws Exception {
    JsonNode theirContext = get(theirs, "/pmapi/context", "hostspec", "localhost",
        "polltimeout", "30");
    String host = theirContext.get("hostspec").asText();
    assertTrue(hosts.containsKey(host), host + " is the logged archive's host: " + hosts);
    JsonNode ourContext = get(ours, "/pmapi/context", "hostspec", "pcp://localhost:44321",
        "polltimeout", "30");
    assertEquals(host, ourContext.get("hostspec").asText(), "loopback names this machine");
    assertEquals(host, get(ours, "/pmapi/context", "hostspec", host).get("hostspec").asText());
    String tc = theirContext.get("context").asText();
    String oc = ourContext.get("context").asText();
    String names = "kernel.all.load,kernel.all.cpu.user,kernel.percpu.cpu.idle,mem.util.free,"
        + "disk.dev.read,network.interface.in.bytes,hinv.ncpu,kernel.uname.release";
    JsonNode theirMetrics = get(theirs, "/pmapi/metric", "context", tc, "names", names)
        .get("metrics");
    JsonNode ourMetrics = get(ours, "/pmapi/metric", "context", oc, "names", names)
        .get("metrics");
    assertEquals(8, ourMetrics.size(), ourMetrics.toString());
    for (int i = 0; i < ourMetrics.size(); i++) {
      for (String field : List.of("name", "pmid", "indom", "type", "sem", "units",
          "text-oneline", "text-help")) {
        assertEquals(theirMetrics.get(i).get(field), ourMetrics.get(i).get(field),
            field + " of " + ourMetrics.get(i).get("name"));
      }
      String metric = ourMetrics.get(i).get("name").asText();
      List<String> loaded = new ArrayList<>();
      get(theirs, "/series/query", "expr", metric).forEach(id -> loaded.add(id.asText()));
      assertTrue(loaded.contains(ourMetrics.get(i).get("series").asText()),
          metric + ": " + ourMetrics.get(i).get("series") + " among " + loaded);
    }

    for (String metric : List.of("disk.dev.read", "kernel.all.load")) {
      Map<Integer, String> theirInstances = instanceNames(get(theirs, "/pmapi/indom",
          "context", tc, "name", metric));
      Map<Integer, String> ourInstances = instanceNames(get(ours, "/pmapi/indom", "context",
          oc, "name", metric));
      assertEquals(theirInstances, ourInstances, metric);
    }

    String fetched = "kernel.all.load,hinv.ncpu,disk.dev.read,kernel.uname.release";
    JsonNode theirValues = get(theirs, "/pmapi/fetch", "context", tc, "names", fetched);
    JsonNode ourValues = get(ours, "/pmapi/fetch", "context", oc, "names", fetched);
    assertEquals(theirValues.at("/values/1/instances/0/value"),
        ourValues.at("/values/1/instances/0/value"), "hinv.ncpu");
    assertEquals(theirValues.at("/values/3/instances/0/value"),
        ourValues.at("/values/3/instances/0/value"), "kernel.uname.release");
    List<String> lastRecord = PcpTools.run(60, PcpTools.tool("pmrep").toString(), "-a",
        hosts.get(host).toString(), "-u", "-r", "-z", "-o", "csv", "-P", "8",
        "kernel.all.load", "disk.dev.read").output().lines().toList();
    String[] libpcp = lastRecord.get(lastRecord.size() - 1).split(",");
    List<Double> ourNumbers = new ArrayList<>();
    for (int v = 0; v < 2; v++) {
      ourValues.get("values").get(v == 0 ? 0 : 2).get("instances")
          .forEach(i -> ourNumbers.add(i.get("value").asDouble()));
    }
    assertEquals(libpcp.length - 1, ourNumbers.size(), String.join(",", libpcp) + " vs " + ourNumbers);
    for (int k = 0; k < ourNumbers.size(); k++) {
      assertEquals(Double.parseDouble(libpcp[k + 1]), ourNumbers.get(k),
          Math.abs(ourNumbers.get(k)) * 1e-7, "value " + k + " of " + String.join(",", libpcp));
    }
    long at = ourValues.get("timestamp").decimalValue().movePointRight(3).longValue();
    assertEquals(lastRecord.get(lastRecord.size() - 1).split(",")[0],
        java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.ofEpochMilli(at)),
        "the last record's time");

    for (String[] request : List.of(
        new String[] {"/pmapi/metric", "context", null, "names", "no.such.metric"},
        new String[] {"/pmapi/indom", "context", null, "name", "hinv.ncpu"},
        new String[] {"/pmapi/indom", "context", null, "name", "no.such.metric"})) {
      request[2] = tc;
      Reply their = send(theirs, request);
      request[2] = oc;
      Reply our = send(ours, request);
      assertEquals(400, our.statusCode(), our.body());
      assertEquals(JSON.readTree(their.body()).get("message"),
          JSON.readTree(our.body()).get("message"), String.join(" ", request));
    }
    JsonNode shortLived = get(ours, "/pmapi/context", "hostspec", host, "polltimeout", "0.5");
    Thread.sleep(1000);
    Reply expired = send(ours, "/pmapi/fetch", "context",
        shortLived.get("context").asText(), "names", "hinv.ncpu");
    assertEquals(400, expired.statusCode());
    assertTrue(expired.body().contains("expired context identifier"), expired.body());
    Reply unknownHost = send(ours, "/pmapi/context", "hostspec", "no-such-host");
    assertEquals(400, unknownHost.statusCode());
    assertTrue(unknownHost.body().contains("names no host whose archives pmsql serves"),
        unknownHost.body());
  }

  /**
   * One poll of Vector's bundled host-overview dashboard, as its poller sends it (context,
   * metric for all its names, fetch, indom for each metric with instances; names from
   * grafana-pcp's host-overview.json), over a corpus archive: every metric the archive holds is
   * described and fetched, the others are reported unknown as pmproxy reports them, and each
   * value equals libpcp's (pmrep's) last reading of that metric and instance.
   */
  @Test
  void vectorsHostOverviewPollAnswersAsLibpcpReadsTheArchive() throws Exception {
    List<String> dashboard = List.of("kernel.all.load", "kernel.all.pswitch",
        "kernel.all.runnable", "kernel.cpu.util.user", "kernel.cpu.util.sys",
        "kernel.percpu.cpu.user", "kernel.percpu.cpu.sys", "mem.physmem", "mem.util.free",
        "mem.util.cached", "mem.util.used", "mem.vmstat.pgfault", "mem.vmstat.pgmajfault",
        "disk.dev.read", "disk.dev.write", "disk.dev.read_bytes", "disk.dev.write_bytes",
        "disk.dev.util", "disk.dev.avactive", "disk.dev.read_rawactive",
        "disk.dev.write_rawactive", "network.interface.in.bytes", "network.interface.out.bytes",
        "network.interface.in.packets", "network.interface.out.packets",
        "network.interface.in.drops", "network.interface.out.drops", "network.tcp.retranssegs",
        "network.tcp.timeouts", "network.tcp.listendrops", "network.tcpconn.established");
    JsonNode context = get(ours, "/pmapi/context", "hostspec", "pcp://bozo", "polltimeout", "11");
    String c = context.get("context").asText();
    JsonNode metrics = get(ours, "/pmapi/metric", "context", c, "names",
        String.join(",", dashboard)).get("metrics");
    List<String> described = new ArrayList<>();
    Map<String, Boolean> hasIndom = new LinkedHashMap<>();
    for (JsonNode m : metrics) {
      if (m.has("success")) {
        assertEquals("Unknown metric name", m.get("message").asText(), m.toString());
      } else {
        described.add(m.get("name").asText());
        hasIndom.put(m.get("name").asText(), m.has("indom"));
      }
    }
    assertEquals(dashboard.size(), metrics.size());
    assertTrue(described.size() >= 20, "the archive holds most of them: " + described);
    JsonNode values = get(ours, "/pmapi/fetch", "context", c, "names",
        String.join(",", described)).get("values");
    assertEquals(described.size(), values.size());

    List<String> command = new ArrayList<>(List.of(PcpTools.tool("pmrep").toString(), "-a",
        hosts.get("bozo").toString(), "-u", "-r", "-z", "-o", "csv", "-P", "8"));
    command.addAll(described);
    PcpTools.Result pmrep = PcpTools.run(120, command.toArray(String[]::new));
    List<String> lines = pmrep.output().lines().filter(l -> !l.isBlank()).toList();
    String[] columns = lines.get(0).split(",");
    Map<String, String> lastReading = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      for (int k = 1; k < cells.length && k < columns.length; k++) {
        if (!cells[k].isEmpty()) {
          lastReading.put(columns[k].replace("\"", ""), cells[k]);
        }
      }
    }
    int compared = 0;
    for (JsonNode metric : values) {
      String name = metric.get("name").asText();
      Map<Integer, String> instanceNames = hasIndom.get(name) ? instanceNames(get(ours,
          "/pmapi/indom", "context", c, "name", name)) : Map.of();
      assertTrue(metric.get("instances").size() > 0, name);
      for (JsonNode value : metric.get("instances")) {
        String column = value.get("instance").isNull() ? name
            : name + "-" + instanceNames.get(value.get("instance").asInt());
        String reading = lastReading.get(column);
        assertTrue(reading != null, column + " in pmrep's columns " + lastReading.keySet());
        double expected = Double.parseDouble(reading);
        assertEquals(expected, value.get("value").asDouble(), Math.abs(expected) * 1e-7 + 1e-8,
            column);
        compared++;
      }
    }
    assertTrue(compared > 50, compared + " values compared");
  }

  /**
   * grafana-pcp's Valkey data source showing its bundled host overview
   * (pcp-valkey-host-overview.jsonnet: every panel's expression) over a corpus archive, asked as
   * the data source asks (query, descs, instances, labels, then values): the window's values
   * are exactly libpcp's (pmrep's every record, raw) for each metric, time and instance, and a
   * window sampled at grafana's interval gives only values pmrep read at those times.
   */
  @Test
  void valkeysHostOverviewAnswersAsLibpcpReadsTheArchive() throws Exception {
    List<String> dashboard = List.of("kernel.all.load", "mem.util.free", "mem.util.cached",
        "mem.physmem", "kernel.percpu.cpu.user", "kernel.percpu.cpu.sys", "kernel.all.pswitch",
        "kernel.all.runnable", "mem.util.used", "mem.vmstat.pgfault", "mem.vmstat.pgmajfault",
        "network.interface.in.bytes", "network.interface.out.bytes",
        "network.interface.in.drops", "network.interface.out.drops",
        "network.interface.in.packets", "network.interface.out.packets", "network.tcp.timeouts",
        "network.tcp.listendrops", "network.tcp.listenoverflows", "network.tcp.retranssegs",
        "network.tcp.fastretrans", "network.tcp.slowstartretrans", "network.tcp.synretrans",
        "disk.dev.read_rawactive", "disk.dev.write_rawactive", "disk.dev.read",
        "disk.dev.write", "disk.dev.read_bytes", "disk.dev.write_bytes", "disk.dev.avactive");
    // the first hour of the archive (13:10 to 16:24 UTC); pmrep reads times in UTC (-Z UTC)
    String start = "1514812211";
    String finish = "1514815811";
    int panels = 0;
    long compared = 0;
    for (String metric : dashboard) {
      String ids = join(get(ours, "/series/query", "expr", metric + "{hostname == \"bozo\"}"));
      if (ids.isEmpty()) {
        continue;
      }
      get(ours, "/series/descs", "series", ids);
      Map<String, String> instanceNames = new HashMap<>();
      for (JsonNode i : get(ours, "/series/instances", "series", ids)) {
        instanceNames.put(i.get("instance").asText(), i.get("name").asText());
      }
      get(ours, "/series/labels", "series", instanceNames.isEmpty() ? ids
          : String.join(",", instanceNames.keySet()));
      Map<String, String> expected = new TreeMap<>();
      Pmrep.cells(hosts.get("bozo"), List.of("-u", "-r", "-S", "@" + utc(start), "-T",
          "@" + utc(finish)), metric).forEach(expected::put);
      // pmrep -T also prints the first record after the end
      expected.keySet().removeIf(key -> key.compareTo(utc(finish)) > 0);
      Map<String, String> actual = new TreeMap<>();
      for (JsonNode v : get(ours, "/series/values", "series", ids, "start", start, "finish",
          finish)) {
        actual.put(readingKey(metric, v, instanceNames), v.get("value").asText());
      }
      List<String> missing = new ArrayList<>(expected.keySet());
      missing.removeAll(actual.keySet());
      List<String> extra = new ArrayList<>(actual.keySet());
      extra.removeAll(expected.keySet());
      assertTrue(missing.isEmpty() && extra.isEmpty(), metric + ": pmrep's, not pmsql's "
          + missing.subList(0, Math.min(5, missing.size())) + "; pmsql's, not pmrep's "
          + extra.subList(0, Math.min(5, extra.size())) + " of " + expected.size());
      expected.forEach((key, reading) -> assertEquals(Double.parseDouble(reading),
          Double.parseDouble(actual.get(key)), Math.abs(Double.parseDouble(reading)) * 1e-6,
          key));
      JsonNode sampled = get(ours, "/series/values", "series", ids, "start", start, "finish",
          finish, "interval", "300");
      assertTrue(sampled.size() > 0 && sampled.size() < actual.size(), metric);
      for (JsonNode v : sampled) {
        String key = readingKey(metric, v, instanceNames);
        assertEquals(actual.get(key), v.get("value").asText(), "sampled " + key);
      }
      panels++;
      compared += actual.size();
    }
    assertTrue(panels >= 25, panels + " of the dashboard's metrics in the archive");
    assertTrue(compared > 5_000, compared + " values compared");
  }

  /** pmrep's key for a value: its UTC time to the microsecond, metric and instance name. */
  private static String readingKey(String metric, JsonNode value,
      Map<String, String> instanceNames) {
    // pmproxy's timestamp: milliseconds, '.', the microseconds within them (unpadded)
    String[] stamp = value.get("timestamp").asText().split("\\.");
    long micros = Long.parseLong(stamp[0]) * 1000 + Long.parseLong(stamp[1]);
    String time = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
        (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS"));
    String instance = value.has("instance") ? instanceNames.get(value.get("instance").asText())
        : null;
    return time + " " + (instance == null ? metric : metric + "-" + instance);
  }

  private static String utc(String epochSeconds) {
    return LocalDateTime.ofEpochSecond(Long.parseLong(epochSeconds), 0, ZoneOffset.UTC)
        .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
  }

  /** A fetch follows the archive pmlogger is writing: each poll may see a newer record. */
  @Test
  void pmapiFetchFollowsTheLiveTail() throws Exception {
    Path live = Files.createDirectories(dir.resolve("live"));
    Process logger = Pmlogger.start(live, "tail", 3, 0, 1000);
    try {
      Pmlogger.awaitRecords(live.resolve("tail"), 2);
      try (PcpServer server = PcpServer.start(new PcpServer.Settings(live.resolve("tail")
          .toString(), 0, null, false, null, Limits.DEFAULT, null, null, 0))) {
        String url = "http://127.0.0.1:" + server.pmproxyPort();
        String context = get(url, "/pmapi/context", "hostspec", "localhost").get("context")
            .asText();
        BigDecimal first = get(url, "/pmapi/fetch", "context", context, "names",
            "kernel.all.load").get("timestamp").decimalValue();
        Thread.sleep(3000);
        JsonNode later = get(url, "/pmapi/fetch", "context", context, "names",
            "kernel.all.load");
        assertTrue(later.get("timestamp").decimalValue().compareTo(first) > 0,
            first + " then " + later);
        assertEquals(3, later.at("/values/0/instances").size(), later.toString());
      }
    } finally {
      logger.destroy();
      logger.waitFor(20, TimeUnit.SECONDS);
    }
  }

  private static Map<Integer, String> instanceNames(JsonNode indom) {
    Map<Integer, String> names = new java.util.TreeMap<>();
    indom.get("instances").forEach(i -> names.put(i.get("instance").asInt(),
        i.get("name").asText()));
    return names;
  }

  /**
   * pmseries' functions of one series, each compared with pmproxy's answer: the id it gives
   * the expression, and with a time window every value (pmproxy 6.0.3 computes these rightly
   * over a start/finish window; see the README for those it does not).
   */
  @Test
  void functionsGiveTheIdsAndValuesPmproxyGives() throws Exception {
    String window = "[start:1514812800,finish:1514813100]";
    String load = "kernel.all.load{hostname==\"bozo\"}";
    String forks = "kernel.all.sysfork{hostname==\"bozo\"}";
    List<String> expressions = new ArrayList<>(List.of("rate(" + forks + window + ")",
        "log(kernel.all.load{hostname==\"bozo\"}" + window + ",10)"));
    for (String f : List.of("abs", "floor", "sqrt", "log", "max_inst", "min_inst", "sum_inst",
        "avg_inst", "stdev_inst", "max_sample", "min_sample", "sum_sample", "avg_sample",
        "stdev_sample", "max")) {
      expressions.add(f + "(" + load + window + ")");
    }
    expressions.add("max_sample(rate(kernel.all.cpu.user{hostname==\"bozo\"}" + window + "))");
    sameAsPmproxy(expressions, window, plain -> false);
    String id = get(ours, "/series/query", "expr", "rate(" + forks + ")").get(0).asText();
    assertEquals(get(theirs, "/series/descs", "series", id),
        get(ours, "/series/descs", "series", id), "the expression's descriptor");
    assertEquals(get(theirs, "/series/metrics", "series", id),
        get(ours, "/series/metrics", "series", id), "the expression's name");
    Reply counterOnly = send(ours, "/series/query", "expr", "rate(" + load + ")");
    assertEquals(400, counterOnly.statusCode());
    assertEquals(JSON.readTree(send(theirs, "/series/query", "expr", "rate(" + load + ")")
        .body()).get("message"), JSON.readTree(counterOnly.body()).get("message"));
  }

  /**
   * rescale, topk, the percentiles and arithmetic, where pmproxy 6.0.3 computes them right:
   * values of more than zero (its ranking skips the rest), k of 1 for topk_inst (it carries
   * state between instances), operands of the same scale (it never converts one).
   */
  @Test
  void unitsRanksAndArithmeticGiveTheIdsAndValuesPmproxyGives() throws Exception {
    String window = "[start:1514812800,finish:1514813100]";
    String load = "kernel.all.load{hostname==\"bozo\"}" + window;
    String used = "mem.util.used{hostname==\"bozo\"}" + window;
    String forks = "kernel.all.sysfork{hostname==\"bozo\"}" + window;
    String cpus = "hinv.ncpu{hostname==\"bozo\"}" + window;
    List<String> expressions = List.of("rescale(" + used + ",\"MB\")",
        "rescale(rate(" + forks + "),\"count/min\")", "topk_sample(" + load + ", 2)",
        "topk_inst(" + load + ", 1)", "nth_percentile_sample(" + load + ", 50)",
        "nth_percentile_sample(" + load + ", 100)", load + "+" + load, load + "*" + load,
        load + "/" + load, used + "-" + used, forks + "+" + forks, cpus + "*" + cpus,
        used + "*2", "3*" + forks, "max_inst(" + load + ")*2");
    // + - /: pmproxy calls every result's units scale zero (Kbyte - Kbyte is "byte")
    sameAsPmproxy(expressions, window,
        plain -> !plain.contains("-") && !plain.contains("+") && !plain.contains("/"));
    String plainUsed = used.replace(window, "");
    JsonNode difference = get(ours, "/series/query", "expr", plainUsed + "-" + plainUsed);
    assertEquals("Kbyte", get(ours, "/series/descs", "series", difference.get(0).asText())
        .get(0).get("units").asText());
    for (String ranked : List.of("nth_percentile_inst(kernel.all.load, 50)",
        "topk_inst(kernel.all.load, 2)")) {
      assertEquals(get(theirs, "/series/query", "expr", ranked),
          get(ours, "/series/query", "expr", ranked), ranked);
    }
    for (String refused : List.of("rescale(" + plainUsed + ",\"sec\")",
        "kernel.all.load+kernel.all.sysfork", "kernel.all.sysfork/kernel.all.sysfork",
        "mem.util.used+kernel.all.cpu.user")) {
      Reply mine = send(ours, "/series/query", "expr", refused);
      assertEquals(400, mine.statusCode(), refused + ": " + mine.body());
      assertEquals(JSON.readTree(send(theirs, "/series/query", "expr", refused).body())
          .get("message"), JSON.readTree(mine.body()).get("message"), refused);
    }
    Reply unlike = send(ours, "/series/query", "expr",
        "mem.util.used+kernel.all.uptime");
    assertEquals(400, unlike.statusCode(), "pmproxy adds Kbytes to seconds: " + unlike.body());
  }

  /**
   * Each expression's values as pmproxy's, and without its window the id pmproxy gives it (and
   * the id's descriptor where {@code describedAlike}).
   */
  private void sameAsPmproxy(List<String> expressions, String window,
      Predicate<String> describedAlike) throws Exception {
    for (String expression : expressions) {
      JsonNode expected = get(theirs, "/series/query", "expr", expression);
      JsonNode actual = get(ours, "/series/query", "expr", expression);
      assertTrue(expected.size() > 0, expression + ": pmproxy answered " + expected);
      assertEquals(sorted(expected), sorted(actual), expression);
      String plain = expression.replace(window, "");
      JsonNode id = get(ours, "/series/query", "expr", plain);
      assertEquals(get(theirs, "/series/query", "expr", plain), id, plain);
      if (describedAlike.test(plain)) {
        assertEquals(get(theirs, "/series/descs", "series", id.get(0).asText()),
            get(ours, "/series/descs", "series", id.get(0).asText()), plain);
      }
    }
  }

  /**
   * The pmseries command line, reading the same Redis, gives each function's id and values as
   * pmsql's /series/query does.
   */
  @Test
  void pmseriesCommandLineGivesTheIdsAndValuesOfFunctions() throws Exception {
    String window = "[start:1514812800,finish:1514813100]";
    String load = "kernel.all.load{hostname==\"bozo\"}" + window;
    for (String expression : List.of("rate(kernel.all.sysfork{hostname==\"bozo\"}" + window
        + ")", "max_inst(" + load + ")", "sum_sample(" + load + ")", "topk_sample(" + load
        + ", 2)", "rescale(mem.util.used{hostname==\"bozo\"}" + window + ",\"MB\")",
        load + "+" + load)) {
      PcpTools.Result cli = PcpTools.run(60, PcpTools.tool("pmseries").toString(), "-p",
          Integer.toString(redisPort), expression);
      assertEquals(0, cli.exitCode(), expression + ": " + cli.output());
      List<String> lines = cli.output().lines().filter(l -> !l.isBlank()).toList();
      List<String> theirs = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        // "    [Mon Jan  1 13:21:11.590321000 2018] 2.033337 6ae3e477..."
        // (no instance after the value where the function has none: sum_sample)
        String[] fields = line.substring(line.indexOf(']') + 1).strip().split(" ");
        theirs.add(fields[0] + " " + (fields.length > 1 ? fields[fields.length - 1] : ""));
      }
      JsonNode answer = get(ours, "/series/query", "expr", expression);
      List<String> mine = new ArrayList<>();
      for (JsonNode v : answer) {
        assertEquals(lines.get(0).strip(), v.get("series").asText(), expression + ": the id");
        mine.add(v.get("value").asText() + " " + v.get("instance").asText());
      }
      Collections.sort(theirs);
      Collections.sort(mine);
      assertTrue(theirs.size() > 0, expression + ": " + cli.output());
      assertEquals(theirs, mine, expression);
    }
  }

  /** grafana-pcp posts its parameters once a URL would pass 8192 characters. */
  @Test
  void postedParametersAreReadAsPmproxyReadsThem() throws Exception {
    JsonNode all = get(ours, "/series/query", "expr", "{hostname==\"shack\"}");
    // a few hundred: pmproxy 6.0.3 itself dies answering /series/descs for 1,800 posted ids
    List<String> some = new ArrayList<>();
    for (int i = 0; i < 250 && i < all.size(); i++) {
      some.add(all.get(i).asText());
    }
    JsonNode ids = JSON.valueToTree(some);
    String body = "series=" + join(ids);
    assertTrue(body.length() > 8192);
    for (String server : List.of(theirs, ours)) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server
          + "/series/descs")).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), server + ": " + r.body());
      assertEquals(ids.size(), JSON.readTree(r.body()).size(), server);
    }
  }

  /** A client sending too much is told so, in bounded time and memory; the server goes on. */
  @Test
  void oversizedRequestsAreRefused() throws Exception {
    String huge = "series=" + "d6a28fcd20e6fe1dd56f7ab3f20a2a974ebea480,".repeat(30_000);
    // repeated: the answer used to be lost now and then, the connection closed while sending
    for (int i = 0; i < 10; i++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ours
          + "/series/descs")).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(huge)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(413, r.statusCode(), r.body());
      assertTrue(r.body().contains("\"success\":false"), r.body());
    }
    Reply many = send(ours, "/series/values", "series",
        "d6a28fcd20e6fe1dd56f7ab3f20a2a974ebea480", "samples", "2147483647");
    assertEquals(400, many.statusCode(), many.body());
    assertTrue(many.body().contains("sample count"), many.body());
    assertEquals(200, send(ours, "/series/ping").statusCode());
  }

  private JsonNode post(String server, String path, String name, String value)
      throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(name + "="
            + URLEncoder.encode(value, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), server + path + ": " + r.body());
    return JSON.readTree(r.body());
  }

  private JsonNode get(String server, String... pathAndParameters) throws Exception {
    Reply r = send(server, pathAndParameters);
    assertEquals(200, r.statusCode(), server + String.join(" ", pathAndParameters) + ": "
        + r.body());
    return JSON.readTree(r.body());
  }

  /** A status and body, however the request was sent. */
  private record Reply(int statusCode, String body) {}

  /**
   * A GET; to pmproxy on a connection of its own: pmproxy 6.0.3 now and then answers a request
   * on a reused connection with the previous answer's body in front of its own.
   */
  private Reply send(String server, String... pathAndParameters)
      throws IOException, InterruptedException {
    StringBuilder uri = new StringBuilder(server).append(pathAndParameters[0]);
    for (int i = 1; i + 1 < pathAndParameters.length; i += 2) {
      uri.append(i == 1 ? '?' : '&').append(pathAndParameters[i]).append('=')
          .append(URLEncoder.encode(pathAndParameters[i + 1], StandardCharsets.UTF_8));
    }
    // pmproxy also cuts its chunked answer short when asked to close the connection
    HttpClient client = server.equals(theirs) ? HttpClient.newHttpClient() : http;
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(uri.toString()))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  private static String join(JsonNode ids) {
    List<String> parts = new ArrayList<>();
    ids.forEach(id -> parts.add(id.asText()));
    return String.join(",", parts);
  }

  /**
   * The same times in the same order, and each of pmsql's values among pmproxy's: pmproxy
   * also repeats, at each time, the last value of an instance the archive had no value for
   * then (pmdumplog shows none), which pmsql does not make up.
   */
  private static void sameValues(JsonNode expected, JsonNode actual, String what) {
    List<String> times = new ArrayList<>();
    expected.forEach(v -> {
      String t = v.get("timestamp").toString();
      if (times.isEmpty() || !times.get(times.size() - 1).equals(t)) {
        times.add(t);
      }
    });
    List<String> ourTimes = new ArrayList<>();
    actual.forEach(v -> {
      String t = v.get("timestamp").toString();
      if (ourTimes.isEmpty() || !ourTimes.get(ourTimes.size() - 1).equals(t)) {
        ourTimes.add(t);
      }
    });
    assertEquals(times, ourTimes, what + ": times");
    List<String> theirValues = sortedWithinTimes(expected);
    for (String value : sortedWithinTimes(actual)) {
      assertTrue(theirValues.contains(value), what + ": pmsql's " + value + " is not pmproxy's");
    }
  }

  /** Each series' labels (objects: their order is no part of them). */
  private static Map<String, JsonNode> bySeries(JsonNode labels) {
    Map<String, JsonNode> out = new java.util.TreeMap<>();
    labels.forEach(l -> out.put(l.get("series").asText(), l.get("labels")));
    return out;
  }

  private static List<String> withoutNumbers(JsonNode instances) {
    List<String> items = new ArrayList<>();
    instances.forEach(i -> items.add(i.get("series").asText() + " " + i.get("instance").asText()
        + " " + i.get("name").asText()));
    items.sort(Comparator.naturalOrder());
    return items;
  }

  /** An array whose order neither server defines, in one order. */
  private static List<String> sorted(JsonNode array) {
    List<String> items = new ArrayList<>();
    array.forEach(item -> items.add(item.toString()));
    items.sort(Comparator.naturalOrder());
    return items;
  }

  /** Values in the servers' order of times, the instances of one time in one order. */
  private static List<String> sortedWithinTimes(JsonNode values) {
    List<JsonNode> rows = new ArrayList<>();
    values.forEach(rows::add);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); ) {
      int j = i;
      List<String> group = new ArrayList<>();
      while (j < rows.size() && rows.get(j).get("series").equals(rows.get(i).get("series"))
          && rows.get(j).get("timestamp").equals(rows.get(i).get("timestamp"))) {
        group.add(rows.get(j++).toString());
      }
      group.sort(Comparator.naturalOrder());
      out.addAll(group);
      i = j;
    }
    return out;
  }

  private void awaitPing(String server, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        if (send(server, "/series/ping").statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    fail("pmproxy did not answer /series/ping in 30 s: "
        + (Files.exists(log) ? Files.readString(log) : "no log"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
