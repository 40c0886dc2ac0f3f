package org.pmsql.spark;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.SpecificInternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.follow.LiveCursor;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.values.ValueCursor;
import org.pmsql.archive.values.ValueSelection;
import org.pmsql.spark.hadoop.HadoopPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one slice: archive-io's values of the slice's window (rates warmed by the look-back
 * before it) into one reused row. Names are converted to Spark's strings once per metric or
 * instance name, not per value; a damaged archive is skipped from its damage on and logged
 * with its file and offset, as the SQL layer reports it.
 */
final class SliceReader implements PartitionReader<InternalRow> {
  private static final Logger LOG = LoggerFactory.getLogger(SliceReader.class);

  private final ValueColumns[] columns;
  private final SpecificInternalRow row;
  private final ValueCursor values;
  private final UTF8String host;
  private final Map<String, UTF8String> names = new IdentityHashMap<>();
  private final Decimal exact = new Decimal();
  private final long limit;
  private long rows;

  /** The rows of {@code values}, which are {@code host}'s, in the spec's columns. */
  private SliceReader(String host, ReadSpec spec, ValueCursor values) {
    this.columns = spec.columns();
    this.limit = spec.limit();
    this.row = new SpecificInternalRow(ValueColumns.schema(columns));
    this.host = UTF8String.fromString(host);
    this.values = values;
  }

  private static ValueSelection selection(ReadSpec spec) {
    return new ValueSelection(spec.metrics(), spec.prefixes(), spec.insts(), spec.instances());
  }

  private static boolean rates(ReadSpec spec) {
    return Arrays.asList(spec.columns()).contains(ValueColumns.RATE);
  }

  /** A slice of finished history: the host's archives that hold it, read as one set. */
  static SliceReader of(Slice slice) {
    return new SliceReader(slice.host(), slice.spec(), values(slice, rates(slice.spec())));
  }

  /** A slice's values alone, with their rates or not, for what is made of them. */
  static ValueCursor values(Slice slice, boolean rates) {
    return new ValueCursor(history(slice), selection(slice.spec()), rates, slice.fromNanos(),
        slice.toNanos(), () -> { });
  }

  private static ValueCursor.Opener history(Slice slice) {
    return from -> {
      List<Archive> archives = new ArrayList<>();
      for (String base : slice.archives()) {
        archives.add(Archive.open(HadoopPaths.of(base)));
      }
      ArchiveSet set = new ArchiveSet(slice.host(), archives);
      ArchiveCursor cursor = set.cursor();
      cursor.onDamageSkipArchive(e -> LOG.warn("pcp: {} (the rest of that archive is skipped)",
          e.getMessage()));
      if (from > set.startNanos()) {
        cursor.seek(from);
      }
      return cursor;
    };
  }

  /**
   * A micro-batch of a stream: the host's records after one time up to another that its
   * logger had written when the batch was planned, followed as pmsql follows a live host (its
   * newest archive through the tail, finished ones through their index).
   */
  static SliceReader of(LiveSlice slice) {
    List<Path> directories = slice.directories().stream().map(HadoopPaths::of).toList();
    long deadline = System.nanoTime() + LiveSlice.WAIT_NANOS;
    ValueCursor.Opener opener = from -> new UntilCursor(
        new LiveCursor(slice.host(), directories, from, () -> {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("pcp: " + slice.host() + "'s records up to "
                + slice.untilNanos() + " were on disk when the batch was planned and are"
                + " not now (archives removed or rewritten?)");
          }
        }), slice.untilNanos());
    return new SliceReader(slice.host(), slice.spec(), new ValueCursor(opener,
        selection(slice.spec()), rates(slice.spec()), slice.afterNanos() + 1,
        slice.untilNanos(), () -> { }));
  }

  @Override
  public boolean next() throws IOException {
    if (rows++ >= limit || !values.next()) {
      return false;
    }
    for (int i = 0; i < columns.length; i++) {
      set(i, columns[i]);
    }
    return true;
  }

  private void set(int i, ValueColumns column) {
    switch (column) {
      case HOST -> row.update(i, host);
      case TS -> row.setLong(i, ValueColumns.timestamp(values.nanos()));
      case TS_NS -> row.setLong(i, values.nanos());
      case METRIC -> row.update(i, name(values.metric()));
      case INST -> {
        if (values.inst() == PmTypes.IN_NULL) {
          row.setNullAt(i);
        } else {
          row.setInt(i, values.inst());
        }
      }
      case INSTANCE -> {
        String name = values.instanceName();
        if (name == null) {
          row.setNullAt(i);
        } else {
          row.update(i, name(name));
        }
      }
      case VAL -> {
        if (values.isNumeric()) {
          row.setDouble(i, values.doubleValue());
        } else {
          row.setNullAt(i);
        }
      }
      case VAL_TEXT -> {
        String text = values.text();
        if (text == null) {
          row.setNullAt(i);
        } else {
          row.update(i, UTF8String.fromString(text));
        }
      }
      case VAL_EXACT -> {
        if (!values.isInteger()) {
          row.setNullAt(i);
        } else if (values.longValue() >= 0 || values.desc().type() != PmTypes.TYPE_U64) {
          row.update(i, exact.set(values.longValue()));
        } else {
          row.update(i, Decimal.apply(new BigDecimal(values.exactValue()), 20, 0));
        }
      }
      case RATE -> {
        if (Double.isNaN(values.rate())) {
          row.setNullAt(i);
        } else {
          row.setDouble(i, values.rate());
        }
      }
      default -> throw new IllegalStateException(column.sqlName);
    }
  }

  /** Spark's string of a metric or instance name, made once per name object. */
  private UTF8String name(String name) {
    UTF8String s = names.get(name);
    if (s == null) {
      if (names.size() > 100_000) {
        names.clear();
      }
      s = UTF8String.fromString(name);
      names.put(name, s);
    }
    return s;
  }

  @Override
  public InternalRow get() {
    return row;
  }

  @Override
  public void close() throws IOException {
    values.close();
  }
}
