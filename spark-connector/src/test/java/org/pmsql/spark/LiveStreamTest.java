package org.pmsql.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.Pmlogger;

/**
 * A Spark stream over a host whose pmlogger writes during the test (v3 archives, a volume
 * switch every three records): stopped, the logger restarted (a new archive), the stream
 * restarted from its checkpoint; afterwards every value was delivered once, in order per host,
 * and each metric's count equals libpcp's reading of the two archives.
 */
class LiveStreamTest {
  /** What foreachBatch received: batch id, host, time, metric, instance. */
  private static final ConcurrentLinkedQueue<Object[]> RECEIVED = new ConcurrentLinkedQueue<>();
  private static SparkSession spark;
  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("pmsql-stream-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  private StreamingQuery follow(Path root, Path checkpoint) throws Exception {
    Dataset<Row> values = spark.readStream().format("pcp").option("archives", root.toString())
        .load().select("host", "ts_ns", "metric", "inst");
    return values.writeStream().option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.ProcessingTime(500)).foreachBatch(
            (VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
              for (Row r : batch.collectAsList()) {
                RECEIVED.add(new Object[] {id, r.getString(0), r.getLong(1), r.getString(2),
                    r.isNullAt(3) ? null : r.getInt(3)});
              }
            }).start();
  }

  @Test
  void aRestartedStreamTakesEveryValueOnceInOrder() throws Exception {
    Path root = Files.createDirectories(dir.resolve("pmlogger"));
    Path logs = Files.createDirectories(root.resolve("this-host"));
    Path checkpoint = dir.resolve("checkpoint");
    Process first = Pmlogger.start(logs, "a", 3, 0, 3);
    Pmlogger.awaitRecords(logs.resolve("a"), 3);
    StreamingQuery query = follow(root, checkpoint);
    query.processAllAvailable();
    Thread.sleep(3_000);
    query.processAllAvailable();
    query.stop();
    first.destroy();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS), "pmlogger stops on SIGTERM");
    int afterStop = RECEIVED.size();

    Process second = Pmlogger.start(logs, "b", 3, 6, 3);
    Pmlogger.awaitRecords(logs.resolve("b"), 2);
    query = follow(root, checkpoint);
    assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the restarted logger's 6 samples");
    query.processAllAvailable();
    query.stop();
    assertTrue(RECEIVED.size() > afterStop, "the restarted stream took the new archive's values");

    Set<String> seen = new HashSet<>();
    Map<String, Long> countByMetric = new TreeMap<>();
    Map<Long, long[]> batchSpan = new TreeMap<>();
    for (Object[] v : RECEIVED) {
      String key = v[1] + " " + v[2] + " " + v[3] + " " + v[4];
      assertTrue(seen.add(key), "delivered twice: " + key);
      countByMetric.merge((String) v[3], 1L, Long::sum);
      long[] span = batchSpan.computeIfAbsent((Long) v[0],
          b -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      span[0] = Math.min(span[0], (Long) v[2]);
      span[1] = Math.max(span[1], (Long) v[2]);
    }
    long previousEnd = Long.MIN_VALUE;
    for (Map.Entry<Long, long[]> batch : batchSpan.entrySet()) {
      assertTrue(batch.getValue()[0] > previousEnd, "batch " + batch.getKey()
          + " starts after the one before it ends");
      previousEnd = batch.getValue()[1];
    }
    Map<String, Long> libpcp = new HashMap<>();
    for (String name : List.of("a", "b")) {
      LibpcpTotals.of(logs.resolve(name)).forEach((metric, t) -> libpcp.merge(metric, t.count,
          Long::sum));
    }
    assertEquals(new TreeMap<>(libpcp), countByMetric, "each metric's values, as libpcp reads"
        + " the two archives");
    assertTrue(batchSpan.size() >= 3, new ArrayList<>(batchSpan.keySet()).toString());
  }
}
