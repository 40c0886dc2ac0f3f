package org.pmsql.spark;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmrep;

/**
 * The "pcp" data source in a local[2] Spark session, its answers checked against libpcp's
 * (the pcp-oracle's totals, pmrep's values and rates) on corpus archives: plain v2, v3, and
 * multi-volume xz; slices small enough that every archive is read by several tasks.
 */
class PcpDataSourceTest {
  private static final Path BOZO = PcpTools.corpus().resolve("20180102");
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("pmsql-spark-connector-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.catalog.pcp", PcpCatalog.class.getName())
        .config("spark.sql.catalog.pcp.archives", BOZO.toString())
        .config("spark.sql.catalog.pcp.partitionBytes", Integer.toString(1 << 20))
        .config("spark.hadoop.fs." + LocalAsScheme.SCHEME + ".impl", LocalAsScheme.class.getName())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static Dataset<Row> read(Path archive, long partitionBytes) {
    return spark.read().format("pcp").option("archives", archive.toString())
        .option("partitionBytes", Long.toString(partitionBytes)).load();
  }

  /** Each metric's count and sum of values equal libpcp's, whatever the slices. */
  @Test
  void everyMetricsCountAndSumAreLibpcps() throws Exception {
    for (String name : List.of("20180102", "omnibus_v3")) {
      Path archive = PcpTools.corpus().resolve(name);
      Map<String, LibpcpTotals> expected = LibpcpTotals.of(archive);
      Dataset<Row> values = read(archive, 256 << 10);
      assertTrue(values.rdd().getNumPartitions() > 1 || name.equals("omnibus_v3"),
          name + " is read in slices");
      Map<String, String> actual = new TreeMap<>();
      for (Row r : values.groupBy("metric").agg(count(lit(1)),
          sum(coalesce(col("val_exact"), col("val")))).collectAsList()) {
        actual.put(r.getString(0), r.getLong(1) + " " + r.get(2));
      }
      int compared = 0;
      for (Map.Entry<String, LibpcpTotals> e : expected.entrySet()) {
        String row = actual.get(e.getKey());
        assertTrue(row != null, name + ": " + e.getKey() + " is read");
        String[] countAndSum = row.split(" ");
        assertEquals(e.getValue().count, Long.parseLong(countAndSum[0]), e.getKey());
        if (!countAndSum[1].equals("null")) {
          double sum = Double.parseDouble(countAndSum[1]);
          assertEquals(e.getValue().sum(), sum, Math.abs(sum) * 1e-9, e.getKey());
        }
        compared++;
      }
      assertEquals(expected.size(), compared);
      assertEquals(expected.size(), actual.size(), name + ": no metric libpcp does not read");
    }
  }

  /**
   * Archives named by a Hadoop URI are read through Hadoop's FileSystem (here its local one
   * under a scheme of its own): listed, and read by positioned reads, xz volumes included.
   */
  @Test
  void archivesOnAHadoopFileSystemReadAsLibpcp() throws Exception {
    for (String name : List.of("20180102", "20180606")) {
      Path archive = PcpTools.corpus().resolve(name);
      Dataset<Row> values = spark.read().format("pcp").option("archives",
          LocalAsScheme.SCHEME + "://" + archive).option("partitionBytes", "65536").load();
      assertTrue(values.rdd().getNumPartitions() > 1, name + " in slices");
      int opened = LocalAsScheme.OPENED.get();
      assertEquals(LibpcpTotals.of(archive).values().stream().mapToLong(t -> t.count).sum(),
          values.count(), name);
      assertTrue(LocalAsScheme.OPENED.get() > opened, "read through Hadoop's FileSystem");
    }
  }

  /** A multi-volume xz archive (23 M values), one metric pushed: libpcp's count and sum. */
  @Test
  void aMultiVolumeCompressedArchiveReadsAsLibpcp() throws Exception {
    Path archive = PcpTools.corpus().resolve("20180416.10.00");
    String metric = "kernel.all.pswitch";
    LibpcpTotals expected = LibpcpTotals.of(archive).get(metric);
    Dataset<Row> one = read(archive, 1 << 20).filter(col("metric").equalTo(metric));
    assertTrue(one.queryExecution().executedPlan().toString().contains("metric IN ["
        + metric + "]"), one.queryExecution().executedPlan().toString());
    Row r = one.agg(count(lit(1)), sum(col("val_exact"))).first();
    assertEquals(expected.count, r.getLong(0));
    assertEquals(expected.exact.toString(), r.getDecimal(1).toBigInteger().toString());
  }

  /**
   * Rates and instance names are pmrep's at every time, also at the first value of every
   * slice (read from the look-back before it), with slices of 64 KiB.
   */
  @Test
  void ratesAndInstanceNamesAreRightAcrossSlices() throws Exception {
    String metric = "disk.dev.read";
    Map<String, String> pmrep = Pmrep.cells(BOZO, List.of("-u"), metric);
    Dataset<Row> values = read(BOZO, 64 << 10).filter(col("metric").equalTo(metric)
        .and(col("rate").isNotNull())).select("ts_ns", "instance", "rate");
    assertTrue(read(BOZO, 64 << 10).rdd().getNumPartitions() >= 10, "many slices");
    Map<String, Double> spark = new TreeMap<>();
    DateTimeFormatter micros = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    for (Row r : values.collectAsList()) {
      long ns = r.getLong(0);
      String time = LocalDateTime.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L),
          (int) Math.floorMod(ns, 1_000_000_000L), ZoneOffset.UTC).format(micros);
      spark.put(time + " " + metric + "-" + r.getString(1), r.getDouble(2));
    }
    assertEquals(pmrep.keySet(), spark.keySet());
    pmrep.forEach((key, rate) -> assertEquals(Double.parseDouble(rate), spark.get(key),
        Math.abs(Double.parseDouble(rate)) * 1e-6 + 1e-9, key));
    assertTrue(pmrep.size() > 500, pmrep.size() + " rates");
  }

  /** Time, host and instance filters reach the read; counts stay libpcp's. */
  @Test
  void filtersArePushedAndAnswersStayLibpcps() throws Exception {
    Instant cut = Instant.parse("2018-01-01T15:00:00Z");
    String metric = "kernel.percpu.cpu.user";
    long after = LibpcpTotals.of(BOZO, cut.toEpochMilli() * 1_000_000L + 1_000_000L)
        .get(metric).count;
    Dataset<Row> later = read(BOZO, 1 << 20).filter(col("metric").equalTo(metric)
        .and(col("ts").gt(lit(Timestamp.from(cut)))).and(col("host").equalTo("bozo")));
    String plan = later.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("ts_ns >= ") && plan.contains("host IN [bozo]"), plan);
    assertEquals(after, later.count());
    assertEquals(0, read(BOZO, 1 << 20).filter(col("host").equalTo("elsewhere")).count());
    long cpu0 = read(BOZO, 1 << 20).filter(col("metric").equalTo(metric)
        .and(col("instance").equalTo("cpu0"))).count();
    long all = LibpcpTotals.of(BOZO).get(metric).count;
    long instances = read(BOZO, 1 << 20).filter(col("metric").equalTo(metric))
        .select("instance").distinct().count();
    assertEquals(all, cpu0 * instances, "every cpu has a value in every record");
    Dataset<Row> first = read(BOZO, 1 << 20).limit(7);
    assertTrue(first.queryExecution().executedPlan().toString().contains("LIMIT 7"),
        first.queryExecution().executedPlan().toString());
    assertEquals(7, first.collectAsList().size());
  }

  /** Spark SQL sees pmsql's schemas: hosts as namespaces, metrics and per-metric tables. */
  @Test
  void theCatalogShowsHostsAndTheirTablesAsPmsqlDoes() throws Exception {
    assertEquals(List.of("bozo"), spark.sql("SHOW NAMESPACES IN pcp").collectAsList().stream()
        .map(r -> r.getString(0)).toList());
    List<String> tables = spark.sql("SHOW TABLES IN pcp.bozo").collectAsList().stream()
        .map(r -> r.getString(1)).toList();
    assertTrue(tables.contains("metrics") && tables.contains("kernel.percpu.cpu.user"),
        tables.toString());
    assertEquals(List.of("ts", "ts_ns", "metric", "inst", "instance", "val", "val_text",
        "val_exact", "rate"), List.of(spark.table("pcp.bozo.metrics").columns()));
    String metric = "kernel.percpu.cpu.user";
    assertEquals(LibpcpTotals.of(BOZO).get(metric).count, spark.sql(
        "SELECT count(*) FROM pcp.bozo.`" + metric + "`").first().getLong(0));
    assertEquals(List.of("ts", "ts_ns", "inst", "instance", "val", "val_text", "val_exact",
        "rate"), List.of(spark.table("pcp.bozo.`" + metric + "`").columns()));
    assertEquals(spark.sql("SELECT count(*) FROM pcp.bozo.metrics WHERE metric = '" + metric
        + "'").first().getLong(0), spark.sql("SELECT count(*) FROM pcp.bozo.`" + metric + "`")
        .first().getLong(0));
    assertThrows(Exception.class, () -> spark.sql("SELECT * FROM pcp.bozo.`no.such.metric`"));
    assertThrows(Exception.class, () -> spark.sql("DROP TABLE pcp.bozo.metrics"));
  }

  /** descs, instances, labels and archives hold pmsql's rows, row for row. */
  @Test
  void theCatalogsDescribingTablesArePmsqls() throws Exception {
    try (Connection pmsql = DriverManager.getConnection("jdbc:pcp:archives=" + BOZO)) {
      for (String table : List.of("descs", "instances", "labels", "archives")) {
        List<String> expected = new ArrayList<>();
        try (Statement st = pmsql.createStatement();
            ResultSet rs = st.executeQuery("SELECT * FROM bozo." + table)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            List<String> cells = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
              Object v = rs.getObject(i);
              cells.add(v instanceof Timestamp t ? Long.toString(t.getTime())
                  : String.valueOf(v));
            }
            expected.add(String.join("|", cells));
          }
        }
        List<String> actual = new ArrayList<>();
        for (Row r : spark.table("pcp.bozo." + table).collectAsList()) {
          List<String> cells = new ArrayList<>();
          for (int i = 0; i < r.size(); i++) {
            Object v = r.get(i);
            cells.add(v instanceof Timestamp t ? Long.toString(t.getTime()) : String.valueOf(v));
          }
          actual.add(String.join("|", cells));
        }
        Collections.sort(expected);
        Collections.sort(actual);
        assertTrue(expected.size() > 0 || table.equals("labels"), table + " (this v2 archive"
            + " has no labels)");
        assertEquals(expected, actual, table);
      }
    }
  }

  /**
   * A damaged volume gives its whole records (libpcp's too) and is then skipped; an archive
   * whose label is damaged is left out; neither fails the job.
   */
  @Test
  void damagedArchivesGiveWhatLibpcpReadsAndFailNothing() throws Exception {
    Path bad = PcpTools.BAD_CORPUS;
    long libpcp = LibpcpTotals.of(bad.resolve("badlen-3")).values().stream()
        .mapToLong(t -> t.count).sum();
    assertEquals(libpcp, spark.read().format("pcp").option("archives", bad.resolve("badlabel-1")
        + "," + bad.resolve("badlen-3")).option("partitionBytes", "4096").load().count());
  }

  /**
   * Counts and first and last times, by metric and in all, are computed by the read (the plan
   * says so) and equal libpcp's counts and Spark's own computation over the values.
   */
  @Test
  void countsAndTimeSpansArePushedAndExact() throws Exception {
    Dataset<Row> values = read(BOZO, 256 << 10);
    Dataset<Row> pushed = values.groupBy("metric").agg(count(lit(1)), min("ts"), max("ts_ns"));
    String plan = pushed.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("aggregates [COUNT(*), MIN(ts), MAX(ts_ns)] GROUP BY [metric]"),
        plan);
    // a filter Spark must apply itself keeps the aggregation in Spark
    Dataset<Row> computed = values.filter(col("ts_ns").gt(0)).groupBy("metric")
        .agg(count(lit(1)), min("ts"), max("ts_ns"));
    assertTrue(!computed.queryExecution().executedPlan().toString().contains("aggregates ["));
    List<String> byRead = pushed.collectAsList().stream().map(Row::toString).sorted().toList();
    assertEquals(computed.collectAsList().stream().map(Row::toString).sorted().toList(), byRead);
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(BOZO);
    for (Row r : pushed.collectAsList()) {
      assertEquals(libpcp.get(r.getString(0)).count, r.getLong(1), r.getString(0));
    }
    assertEquals(libpcp.values().stream().mapToLong(t -> t.count).sum(), values.count());
    // a window before every archive: nothing, not a task failing on a slice of no archive
    assertEquals(0, values.filter(col("ts_ns").lt(0)).count());
  }

  @Test
  void badOptionsNameTheOption() {
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> spark.read().format("pcp").load().count());
    assertTrue(none.getMessage().contains("\"archives\""), none.getMessage());
    IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class,
        () -> read(BOZO, 0).count());
    assertTrue(bytes.getMessage().contains("\"partitionBytes\""), bytes.getMessage());
  }
}
