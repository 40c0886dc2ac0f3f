package org.pmsql.sql.tablefn;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.interpolate.Interpolation;
import org.pmsql.sql.scan.QueryStop;

/**
 * The rows of one interpolate(...) call: ts, ts_ns, inst, instance, val (the value at ts) and
 * rate (the counter rate from the previous step, as pmrep prints it; null for other metrics).
 * Times are start + k * step_seconds, start being the archives' start unless given.
 */
final class InterpolatedTable extends MacroTable {
  private final ArchiveSet set;
  private final String metric;
  private final long stepNanos;
  private final long startNanos;
  private final long endNanos;

  InterpolatedTable(ArchiveSet set, String metric, long stepNanos, long startNanos,
      long endNanos) {
    this.set = set;
    this.metric = metric;
    this.stepNanos = stepNanos;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder()
        .add("ts", SqlTypeName.TIMESTAMP, 3)
        .add("ts_ns", SqlTypeName.BIGINT)
        .add("inst", SqlTypeName.INTEGER).nullable(true)
        .add("instance", SqlTypeName.VARCHAR).nullable(true)
        .add("val", SqlTypeName.DOUBLE)
        .add("rate", SqlTypeName.DOUBLE).nullable(true)
        .build();
  }

  @Override
  public Enumerable<Object[]> rows(DataContext root) {
    QueryStop stop = QueryStop.of(root);
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        Interpolation interpolation;
        try {
          interpolation = Interpolation.read(set, metric);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        long start = startNanos == Long.MIN_VALUE ? set.startNanos() : startNanos;
        return new SampleRows(interpolation, interpolation.samples(start, stepNanos, endNanos),
            stop);
      }
    };
  }

  /** Each sample as a row, with the instance's name at its time. */
  private final class SampleRows implements Enumerator<Object[]> {
    private final MetricDesc desc;
    private final Interpolation.Samples samples;
    private final QueryStop stop;
    private Object[] current;

    SampleRows(Interpolation interpolation, Interpolation.Samples samples, QueryStop stop) {
      this.desc = interpolation.desc();
      this.samples = samples;
      this.stop = stop;
    }

    @Override
    public boolean moveNext() {
      stop.run();
      if (!samples.next()) {
        return false;
      }
      long t = samples.nanos();
      int inst = samples.inst();
      double rate = samples.rate();
      current = new Object[] {Math.floorDiv(t, 1_000_000L), t,
          desc.singular() ? null : inst,
          desc.singular() ? null : set.instanceName(desc.indom(), inst, t),
          samples.value(), Double.isNaN(rate) ? null : rate};
      return true;
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException("interpolated rows are read once");
    }

    @Override
    public void close() {
      // the observations are in memory; nothing stays open
    }
  }
}
