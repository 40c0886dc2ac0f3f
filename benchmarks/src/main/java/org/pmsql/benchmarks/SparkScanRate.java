package org.pmsql.benchmarks;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark side of benchmarks/run-spark-bench: a pmlogger root read through the connector
 * (count and sum of every value) in a Spark with 1 and then 2 executor cores, best of the
 * passes after a first one that warms the JVM, as values per second; then the time per task of
 * a job of many tiny slices (Spark's scheduling and the connector's per-slice set-up).
 */
public final class SparkScanRate {
  private SparkScanRate() {}

  public static void main(String[] args) throws Exception {
    String root = args[0];
    int passes = Integer.parseInt(args[1]);
    for (int cores : new int[] {1, 2}) {
      SparkSession spark = SparkSession.builder().master("local[" + cores + "]")
          .appName("pmsql-spark-bench").config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", Integer.toString(cores)).getOrCreate();
      long values = 0;
      double[] seconds = new double[passes];
      int tasks = 0;
      for (int pass = 0; pass < passes; pass++) {
        long begin = System.nanoTime();
        var data = spark.read().format("pcp").option("archives", root).load();
        Row r = data.agg(count(lit(1)), sum(col("val"))).first();
        seconds[pass] = (System.nanoTime() - begin) / 1e9;
        values = r.getLong(0);
        tasks = data.rdd().getNumPartitions();
      }
      double best = Arrays.stream(seconds, Math.min(1, passes - 1), passes).min().orElseThrow();
      System.out.printf("spark %d core%s %d values in %d slices: %.2f s, %.0f values/s%n",
          cores, cores == 1 ? " " : "s", values, tasks, best, values / best);
      if (cores == 2) {
        var tiny = spark.read().format("pcp").option("archives", args[2])
            .option("partitionBytes", "1").load();
        int slices = tiny.rdd().getNumPartitions();
        tiny.count();
        long begin = System.nanoTime();
        tiny.count();
        double s = (System.nanoTime() - begin) / 1e9;
        System.out.printf("per task: %d slices of one small archive in %.2f s, %.1f ms per task"
            + " on 2 cores%n", slices, s, s * 1e3 * 2 / slices);
      }
      spark.stop();
    }
  }
}
