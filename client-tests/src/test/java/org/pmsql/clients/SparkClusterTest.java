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
 * spark-submit's --jars sends it, read a pmlogger root of three hosts; each host's and metric's
 * count and sum of values equal libpcp's.
 */
class SparkClusterTest {
  private static final List<String> ARCHIVES = List.of("20180102", "20130706", "20180606");
  private static final List<Process> DAEMONS = new ArrayList<>();
  @TempDir
  static Path dir;
  private static Path root;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    root = Files.createDirectories(dir.resolve("pmlogger"));
    for (String name : ARCHIVES) {
      Path host = Files.createDirectories(root.resolve("host-of-" + name));
      try (var files = Files.list(PcpTools.corpus())) {
        for (Path f : files.filter(f -> f.getFileName().toString().startsWith(name + "."))
            .toList()) {
          Files.createSymbolicLink(host.resolve(f.getFileName()), f);
        }
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
    Map<String, LibpcpTotals> expected = new TreeMap<>();
    for (String name : ARCHIVES) {
      Path archive = PcpTools.corpus().resolve(name);
      String host = PcpTools.run(30, PcpTools.tool("pmdumplog").toString(), "-l",
          archive.toString()).output().lines().filter(l -> l.startsWith("Performance metrics"))
          .findFirst().orElseThrow().replaceFirst(".* from host ", "").strip();
      LibpcpTotals.of(archive).forEach((metric, t) -> expected.put(host + " " + metric, t));
    }
    List<Row> rows = spark.read().format("pcp").option("archives", root.toString())
        .option("partitionBytes", Integer.toString(512 << 10)).load()
        .groupBy("host", "metric").agg(count(lit(1)), sum(coalesce(col("val_exact"),
            col("val")).cast("double"))).collectAsList();
    assertEquals(3, rows.stream().map(r -> r.getString(0)).distinct().count());
    assertEquals(expected.size(), rows.size(), "the metrics libpcp reads, no others");
    for (Row r : rows) {
      String key = r.getString(0) + " " + r.getString(1);
      LibpcpTotals libpcp = expected.get(key);
      assertTrue(libpcp != null, key + " is one libpcp reads");
      assertEquals(libpcp.count, r.getLong(2), key);
      if (!r.isNullAt(3)) {
        assertEquals(libpcp.sum(), r.getDouble(3), Math.abs(libpcp.sum()) * 1e-9, key);
      }
    }
  }
}
