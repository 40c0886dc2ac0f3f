package org.pmsql.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.types.StructType;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.spark.hadoop.HadoopPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A planned read: the archives found on the driver, cut into slices per host, each read on an
 * executor; or a stream of micro-batches that follows the hosts' loggers.
 */
final class ValuesScan implements Scan, Batch {
  private static final Logger LOG = LoggerFactory.getLogger(ValuesScan.class);

  private final ReadSpec spec;
  private final ReadOptions options;

  ValuesScan(ReadSpec spec, ReadOptions options) {
    this.spec = spec;
    this.options = options;
  }

  @Override
  public StructType readSchema() {
    return spec.aggregates() != null ? spec.aggregates().schema()
        : ValueColumns.schema(spec.columns());
  }

  @Override
  public String description() {
    return spec.describe();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public MicroBatchStream toMicroBatchStream(String checkpointLocation) {
    return new LiveValues(spec, options.startingNanos());
  }

  @Override
  public InputPartition[] planInputPartitions() {
    if (spec.empty()) {
      return new InputPartition[0];
    }
    ArchiveDiscovery found = ArchiveDiscovery.discover(spec.archives().stream()
        .map(HadoopPaths::of).toList());
    found.failures().forEach(e -> LOG.warn("pcp: {} (not read)", e.getMessage()));
    List<InputPartition> slices = new ArrayList<>();
    for (ArchiveSet set : found.sets()) {
      if (spec.hosts() == null || spec.hosts().contains(set.hostname())) {
        slices.addAll(Slices.of(set, spec, options.partitionBytes()));
      }
    }
    return slices.toArray(InputPartition[]::new);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new SliceReaders();
  }

  /** Made on the driver, sent to executors: a reader per slice. */
  static final class SliceReaders implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      if (partition instanceof LiveSlice live) {
        return SliceReader.of(live);
      }
      Slice slice = (Slice) partition;
      if (slice.spec().aggregates() == null) {
        return SliceReader.of(slice);
      }
      try {
        return SliceAggregates.of(slice, SliceReader.values(slice, false));
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
  }
}
