package org.pmsql.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One host's share of a micro-batch: its values after {@code afterNanos} up to
 * {@code untilNanos} (a record time its logger had written when the batch was planned), from
 * the archives in {@code directories}.
 */
record LiveSlice(String host, List<String> directories, long afterNanos, long untilNanos,
    ReadSpec spec) implements InputPartition {
  /** How long a reader waits for records the planner saw before it gives up. */
  static final long WAIT_NANOS = 120_000_000_000L;
}
