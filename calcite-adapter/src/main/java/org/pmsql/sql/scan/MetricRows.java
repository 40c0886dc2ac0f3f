package org.pmsql.sql.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import org.apache.calcite.linq4j.Enumerator;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.values.ValueCursor;

/**
 * The rows of a metrics table: one per value archive-io's {@link ValueCursor} gives (in archive
 * order, within the window, for the wanted metrics and instances), producing only the
 * requested columns; progress is counted and cancellation checked at each record.
 */
public final class MetricRows implements Enumerator<Object> {
  private final ValueCursor values;
  private final int[] fields;
  private Object current;

  public MetricRows(ValueCursor.Opener opener, ScanSpec spec, int[] fields, long lowNanos,
      long highNanos, Runnable stop) {
    this.fields = fields;
    boolean rates = false;
    for (int f : fields) {
      rates |= f == MetricColumn.RATE.number();
    }
    long[] unreported = {0};
    this.values = new ValueCursor(opener, spec.selection(), rates, lowNanos, highNanos, () -> {
      if ((++unreported[0] & 1023) == 0) {
        ScanProgress.add(1024);
      }
      // per record, not per 1024: a client fetching a small result slowly must still time out
      stop.run();
    });
  }

  @Override
  public Object current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    try {
      if (!values.next()) {
        return false;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    current = row();
    return true;
  }

  private Object row() {
    if (fields.length == 1) {
      return column(fields[0]);
    }
    Object[] row = new Object[fields.length];
    for (int i = 0; i < fields.length; i++) {
      row[i] = column(fields[i]);
    }
    return row;
  }

  private Object column(int field) {
    switch (MetricColumn.of(field)) {
      case TS:
        return Math.floorDiv(values.nanos(), 1_000_000L);
      case TS_NS:
        return values.nanos();
      case METRIC:
        return values.metric();
      case INST:
        return values.inst() == PmTypes.IN_NULL ? null : values.inst();
      case INSTANCE:
        return values.instanceName();
      case VAL:
        return values.isNumeric() ? values.doubleValue() : null;
      case VAL_TEXT:
        return values.text();
      case VAL_EXACT:
        return values.isInteger() ? new BigDecimal(values.exactValue()) : null;
      case RATE:
        return Double.isNaN(values.rate()) ? null : values.rate();
      default:
        throw new IllegalArgumentException("column " + field);
    }
  }

  @Override
  public void reset() {
    try {
      values.reset();
    } catch (IOException ignored) {
      // Nothing was written; a failed close of a read-only file loses nothing.
    }
  }

  @Override
  public void close() {
    try {
      values.close();
    } catch (IOException ignored) {
      // Nothing was written; a failed close of a read-only file loses nothing.
    }
  }
}
