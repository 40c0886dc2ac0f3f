package org.pmsql.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.ServeProcess;

/**
 * Spark's JDBC data source (Spark 4, local[2]) reading pmsql in a JVM whose zone is New York,
 * as a Spark user runs it: through the driver jar, and through pmsql serve with the Avatica
 * client in the same jar. Counts of whole tables, of pushed time filters and of partitioned
 * reads equal libpcp's; every column of the metrics and labels tables reaches Spark.
 */
class SparkJdbcTest {
  private static final Path ARCHIVE = PcpTools.CORPUS.resolve("20180102");
  private static final String TABLE = "bozo.\"kernel.percpu.cpu.user\"";
  private static final String METRIC = "kernel.percpu.cpu.user";
  private static SparkSession spark;
  /** A second inside the archive, and libpcp's count of the metric's values after it. */
  private static Instant cut;
  private static long all;
  private static long after;

  @BeforeAll
  static void start() throws Exception {
    assertEquals(ZoneId.of("America/New_York"), ZoneId.systemDefault(),
        "the client tests run in New York (client-tests' surefire argLine)");
    Map<String, LibpcpTotals> totals = LibpcpTotals.of(ARCHIVE);
    all = totals.get(METRIC).count;
    cut = Instant.parse("2018-01-01T15:00:00Z");
    after = LibpcpTotals.of(ARCHIVE, cut.toEpochMilli() * 1_000_000L + 1_000_000L)
        .get(METRIC).count;
    assertTrue(after > 0 && after < all, after + " of " + all);
    spark = SparkSession.builder().master("local[2]").appName("pmsql-client-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /**
   * Spark sends a pushed timestamp as text on its JVM's wall clock: the driver reads it in
   * that zone when told so (timeZone), as the README says.
   */
  private static String localUrl() {
    return "jdbc:pcp:archives=" + ARCHIVE + ";timeZone=" + ZoneId.systemDefault().getId();
  }

  private static Dataset<Row> read(String url, String driver, String table) {
    return spark.read().format("jdbc").option("url", url).option("driver", driver)
        .option("dbtable", table).load();
  }

  @Test
  void localCountsFiltersAndPartitions() {
    Dataset<Row> values = read(localUrl(), "org.pmsql.jdbc.PcpDriver", TABLE);
    assertEquals(all, values.count());
    Dataset<Row> later = values.filter(col("ts").gt(lit(Timestamp.from(cut))));
    assertTrue(later.queryExecution().executedPlan().toString().contains("GreaterThan(ts,"),
        "the time filter is pushed to pmsql");
    assertEquals(after, later.count());
    assertEquals(all, values.groupBy("instance").count().agg(Map.of("count", "sum"))
        .first().getLong(0));
    Dataset<Row> partitioned = spark.read().format("jdbc").option("url", localUrl())
        .option("driver", "org.pmsql.jdbc.PcpDriver").option("dbtable", TABLE)
        .option("partitionColumn", "ts_ns").option("lowerBound", "1514812000000000000")
        .option("upperBound", "1514824000000000000").option("numPartitions", "4").load();
    assertEquals(4, partitioned.rdd().getNumPartitions());
    assertEquals(all, partitioned.count());
    Dataset<Row> byTime = spark.read().format("jdbc").option("url", localUrl())
        .option("driver", "org.pmsql.jdbc.PcpDriver").option("dbtable", TABLE)
        .option("partitionColumn", "ts").option("lowerBound", "2018-01-01 08:00:00")
        .option("upperBound", "2018-01-01 12:00:00").option("numPartitions", "3").load();
    assertEquals(all, byTime.count());
  }

  /** Every column of the metrics and labels tables has a Spark type and its values arrive. */
  @Test
  void everyColumnReachesSpark() {
    Dataset<Row> metrics = read(localUrl(), "org.pmsql.jdbc.PcpDriver", "bozo.metrics");
    assertEquals(DataTypes.TimestampType, metrics.schema().apply("ts").dataType());
    assertEquals(new DecimalType(20, 0), metrics.schema().apply("val_exact").dataType());
    List<Row> largest = metrics.filter(col("val_exact").gt(lit(Long.MAX_VALUE)))
        .select("val_exact").limit(1).collectAsList();
    assertEquals("18446744073709551615", largest.get(0).getDecimal(0).toPlainString());
    Dataset<Row> labels = read(localUrl(), "org.pmsql.jdbc.PcpDriver", "bozo.metric_labels");
    assertTrue(labels.count() > 100);
    assertTrue(labels.select("labels").first().getString(0).startsWith("{"));
  }

  /**
   * Through pmsql serve with the driver jar's remote driver: Spark's default fetch size (0)
   * gets every row, and pushed time filters and partitioned reads answer as libpcp.
   */
  @Test
  void remoteCountsFiltersAndPartitions(@TempDir Path dir) throws Exception {
    try (ServeProcess server = ServeProcess.start("", "--archives " + ARCHIVE,
        dir.resolve("serve.out"))) {
      String url = "jdbc:pcp:remote:url=http://127.0.0.1:" + server.port()
          + ";serialization=protobuf;timeZone=" + ZoneId.systemDefault().getId();
      String driver = "org.pmsql.jdbc.PcpRemoteDriver";
      Dataset<Row> values = read(url, driver, TABLE);
      assertEquals(all, values.count());
      Dataset<Row> later = values.filter(col("ts").gt(lit(Timestamp.from(cut))));
      assertTrue(later.queryExecution().executedPlan().toString().contains("GreaterThan(ts,"));
      assertEquals(after, later.count());
      long cutNanos = cut.toEpochMilli() * 1_000_000L + 999_999L;
      assertEquals(after, values.filter(col("ts_ns").gt(lit(cutNanos))).count());
      Dataset<Row> partitioned = spark.read().format("jdbc").option("url", url)
          .option("driver", driver).option("dbtable", TABLE)
          .option("partitionColumn", "ts_ns").option("lowerBound", "1514812000000000000")
          .option("upperBound", "1514824000000000000").option("numPartitions", "4").load();
      assertEquals(all, partitioned.count());
      assertEquals(Timestamp.from(Instant.ofEpochMilli(values.orderBy("ts_ns").first()
          .getLong(1) / 1_000_000L)), values.orderBy("ts_ns").first().getTimestamp(0));
      assertTrue(Files.readString(dir.resolve("serve.out")).contains("listening"));
    }
  }
}
