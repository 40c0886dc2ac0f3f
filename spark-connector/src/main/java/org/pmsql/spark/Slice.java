package org.pmsql.spark;

import java.util.List;
import org.apache.spark.sql.connector.read.InputPartition;

/**
 * One executor's share of a read: one host's values from {@code fromNanos} to {@code toNanos}
 * inclusive, from the archives that can hold them or their look-back (paths of the archives'
 * base names), by the read's spec.
 */
record Slice(String host, List<String> archives, long fromNanos, long toNanos, long bytes,
    ReadSpec spec) implements InputPartition {}
