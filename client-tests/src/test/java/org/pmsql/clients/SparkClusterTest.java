package org.pmsql.clients;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * The Spark connector's jar on a real Spark cluster on loopback: Spark's own standalone Master
 * and two Workers (separate JVMs, from Spark's deploy classes), whose executors get the jar as
 * spark-submit's --jars sends it, read a pmlogger root that pmlogrewrite made of a corpus day
 * (three hosts, two days each, as pmlogger_daily lays them out); each host's and metric's count
 * and sum of values equal libpcp's.
 */
class SparkClusterTest {
  private static final List<String> HOSTS = List.of("fleet-1", "fleet-2", "fleet-3");
  private static final int DAYS = 2;
  private static final List<Process> DAEMONS = new ArrayList<>();
  @TempDir
  static Path dir;
  private static Path root;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(dir.resolve("pmlogger"));
    for (String host : HOSTS) {
      Path logs = Files.createDirectories(root.resolve(host));
      for (int day = 0; day < DAYS; day++) {
        Path config = dir.resolve("rewrite-" + host + "-" + day + ".conf");
        Files.writeString(config, "global {\n  hostname -> " + host + "\n  time -> +"
            + (24 * day) + ":00:00\n}\n");
        PcpTools.Result r = PcpTools.run(120, PcpTools.tool("pmlogrewrite").toString(), "-c",
            config.toString(), PcpTools.corpus().resolve("20130706").toString(),
            logs.resolve("day" + day).toString());
        assertEquals(0, r.exitCode(), "pmlogrewrite: " + r.output());
      }
    }
    String javaOptions = String.join(" ", ManagementFactory.getRuntimeMXBean()
        .getInputArguments().stream().filter(a -> a.startsWith("--add-opens")
            || a.startsWith("-Djdk.reflect") || a.startsWith("-Dio.netty")).toList());
    // Spark's daemons and executors: a SPARK_HOME whose jars are this JVM's Spark classpath
    Path jars = Files.createDirectories(dir.resolve("spark-home/jars"));
    List<String> classpath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry);
      String jar = p.getFileName().toString();
      // not ours (the executors get the connector as --jars sends it), and Spark's own
      // logging only: slf4j-jdk14 beside Spark's jul-to-slf4j loops until the stack overflows
      if (jar.endsWith(".jar") && !jar.startsWith("jdbc-driver")
          && !jar.startsWith("spark-connector") && !jar.startsWith("slf4j-jdk14")) {
        Path link = jars.resolve(classpath.size() + "-" + p.getFileName());
        Files.createSymbolicLink(link, p);
        classpath.add(link.toString());
      }
    }
    int masterPort = freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    DAEMONS.add(daemon("master", String.join(File.pathSeparator, classpath), javaOptions,
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        Integer.toString(masterPort), "--webui-port", "0"));
    awaitPort(masterPort, dir.resolve("master.log"));
    for (int i = 1; i <= 2; i++) {
      DAEMONS.add(daemon("worker" + i, String.join(File.pathSeparator, classpath), javaOptions,
          "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
          "--memory", "768m", "--webui-port", "0", "--work-dir",
          Files.createDirectories(dir.resolve("work" + i)).toString(), master));
    }
    String connectorJar = null;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Path.of(entry).getFileName().toString().matches("spark-connector-.*-all\\.jar")) {
        connectorJar = entry;
      }
    }
    assertTrue(connectorJar != null, "the connector's -all jar is on the test classpath");
    spark = SparkSession.builder().master(master).appName("pmsql-spark-cluster-test")
        .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1").config("spark.jars", connectorJar)
        .config("spark.executor.memory", "512m").config("spark.cores.max", "2")
        .config("spark.executor.extraJavaOptions", javaOptions)
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (spark.sparkContext().statusTracker().getExecutorInfos().length < 3) {
      if (System.nanoTime() > deadline) {
        fail("two executors did not register in 120 s; the first worker's log ends: "
            + tail(dir.resolve("worker1.log")) + "; its executor's: " + executorLog());
      }
      Thread.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    DAEMONS.forEach(Process::destroyForcibly);
  }

  private static Process daemon(String name, String classpath, String javaOptions,
      String... mainAndArgs) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"),
        "bin", "java").toString(), "-Xmx384m"));
    command.addAll(List.of(javaOptions.split(" ")));
    command.addAll(List.of("-cp", classpath));
    command.addAll(List.of(mainAndArgs));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    b.environment().put("SPARK_HOME", dir.resolve("spark-home").toString());
    b.environment().put("SPARK_SCALA_VERSION", "2.13");
    b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return b.start();
  }

  private static String tail(Path log) throws IOException {
    String text = Files.exists(log) ? Files.readString(log) : "(none)";
    return text.substring(Math.max(0, text.length() - 3000));
  }

  private static String executorLog() throws IOException {
    try (var files = Files.walk(dir.resolve("work1"))) {
      Path stderr = files.filter(f -> f.getFileName().toString().equals("stderr")).findFirst()
          .orElse(dir.resolve("work1/none"));
      return tail(stderr);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port, Path log) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          fail("Spark's master did not listen in 60 s: " + Files.readString(log));
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void aFleetRootReadOnTheClusterGivesLibpcpsCountsAndSums() throws Exception {
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, Double> sums = new TreeMap<>();
    for (String host : HOSTS) {
      for (int day = 0; day < DAYS; day++) {
        LibpcpTotals.of(root.resolve(host).resolve("day" + day)).forEach((metric, t) -> {
          // pmlogrewrite 6.0.3 leaves 9 metrics' values without their descriptors, which
          // libpcp returns by number and pmsql cannot type: only described metrics count
          if (!metric.matches("\\d+\\.\\d+\\.\\d+")) {
            counts.computeIfAbsent(host + " " + metric, k -> new long[1])[0] += t.count;
            sums.merge(host + " " + metric, t.sum(), Double::sum);
          }
        });
      }
    }
    List<Row> rows = spark.read().format("pcp").option("archives", root.toString())
        .option("partitionBytes", Integer.toString(512 << 10)).load()
        .groupBy("host", "metric").agg(count(lit(1)), sum(coalesce(col("val_exact"),
            col("val")).cast("double"))).collectAsList();
    assertEquals(HOSTS.size(), rows.stream().map(r -> r.getString(0)).distinct().count());
    assertEquals(counts.size(), rows.size(), "the metrics libpcp reads, no others");
    for (Row r : rows) {
      String key = r.getString(0) + " " + r.getString(1);
      assertTrue(counts.containsKey(key), key + " is one libpcp reads");
      assertEquals(counts.get(key)[0], r.getLong(2), key);
      if (!r.isNullAt(3)) {
        double sum = sums.get(key);
        assertEquals(sum, r.getDouble(3), Math.abs(sum) * 1e-9, key);
      }
    }
  }
}
