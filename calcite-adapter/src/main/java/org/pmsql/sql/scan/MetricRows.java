package org.pmsql.sql.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.calcite.linq4j.Enumerator;
import org.pmsql.archive.RecordCursor;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/**
 * The rows of a metrics table: one per value, in archive order, within a time window and for
 * the wanted metrics only, producing only the requested columns. Counter rates follow pmrep -u:
 * the change since the same metric and instance's previous value over the seconds between them,
 * none on a first value or when the counter went down.
 */
public final class MetricRows implements Enumerator<Object> {
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
  /** How far before a window to look for the values its first rates start from. */
  private static final long RATE_LOOKBACK_NANOS = 15L * 60 * 1_000_000_000L;

  private final CursorOpener opener;
  private final ScanSpec spec;
  private final int[] fields;
  private final long lowNanos;
  private final long highNanos;
  private final Runnable stop;
  private final boolean wantsRate;
  /** Each metric's reported name, or "" when it is not wanted. */
  private final Map<MetricDesc, String> reportedNames = new IdentityHashMap<>();
  private final CounterHistory counters = new CounterHistory();
  private RecordCursor cursor;
  private ResultRecord record;
  private ArchiveMetadata metadata;
  private MetricDesc desc;
  private String metricName;
  private int setIndex;
  private int valueIndex;
  private int numval;
  private Object current;
  private long unreported;

  /** Where records come from: finished archives, or archives followed as they grow. */
  public interface CursorOpener {
    /** A cursor at the first record at or after {@code fromNanos} (MIN_VALUE: the very first). */
    RecordCursor open(long fromNanos) throws IOException;
  }

  public MetricRows(CursorOpener opener, ScanSpec spec, int[] fields, long lowNanos, long highNanos,
      Runnable stop) {
    this.opener = opener;
    this.spec = spec;
    this.fields = fields;
    this.lowNanos = lowNanos;
    this.highNanos = highNanos;
    this.stop = stop;
    boolean rate = false;
    for (int f : fields) {
      rate |= f == MetricColumn.RATE.number();
    }
    this.wantsRate = rate;
  }

  @Override
  public Object current() {
    return current;
  }

  @Override
  public boolean moveNext() {
    try {
      if (cursor == null) {
        // A rate needs the counter's previous value, from before the window.
        cursor = opener.open(wantsRate && lowNanos != Long.MIN_VALUE
            ? lowNanos - RATE_LOOKBACK_NANOS : lowNanos);
      }
      while (true) {
        if (desc != null && nextWantedValue()) {
          current = row();
          return true;
        }
        if (record != null && advanceSet()) {
          continue;
        }
        if (!nextRecord()) {
          return false;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** Moves to the next value of a wanted instance in the current set. */
  private boolean nextWantedValue() {
    while (++valueIndex < numval) {
      if (!spec.restrictsInstances() || wantedInstance()) {
        return true;
      }
    }
    return false;
  }

  private boolean wantedInstance() {
    int inst = record.inst(setIndex, valueIndex);
    if (spec.insts != null && !spec.insts.contains(inst)) {
      return false;
    }
    if (spec.instances != null) {
      String name = inst == PmTypes.IN_NULL ? null
          : metadata.instanceName(desc.indom(), inst, cursor.timestampNanos());
      return name != null && spec.instances.contains(name);
    }
    return true;
  }

  /** Moves to the next wanted value set of the current record; false when there is none. */
  private boolean advanceSet() {
    desc = null;
    while (++setIndex < record.setCount()) {
      int n = record.numval(setIndex);
      if (n <= 0) {
        continue;
      }
      MetricDesc d = metadata.desc(record.pmid(setIndex));
      if (d == null) {
        continue;
      }
      String name = reportedNames.computeIfAbsent(d, x -> {
        String reported = spec.reportedName(x);
        return reported == null ? "" : reported;
      });
      if (name.isEmpty()) {
        continue;
      }
      desc = d;
      metricName = name;
      numval = n;
      valueIndex = -1;
      return true;
    }
    return false;
  }

  private boolean nextRecord() throws IOException {
    record = null;
    desc = null;
    if ((++unreported & 1023) == 0) {
      ScanProgress.add(1024);
    }
    // per record, not per 1024: a client fetching a small result slowly must still time out
    stop.run();
    if (!cursor.next()) {
      return false;
    }
    long ts = cursor.timestampNanos();
    if (ts > highNanos) {
      return false;
    }
    if (cursor.isMark()) {
      // pmrep -u, the reference for this column, rates across a mark when the counter did not
      // go down (a restarted host's counters usually did, which gives no rate).
      return true;
    }
    record = cursor.record();
    metadata = cursor.metadata();
    setIndex = -1;
    if (ts < lowNanos) {
      if (wantsRate) {
        warmRates(ts);
      }
      record = null;
    }
    return true;
  }

  /** Before the window, only the counters' last values are kept, for the first rates in it. */
  private void warmRates(long ts) {
    while (advanceSet()) {
      if (desc.semantics() == PmTypes.SEM_COUNTER) {
        for (valueIndex = 0; valueIndex < numval; valueIndex++) {
          rate(ts, record.inst(setIndex, valueIndex), desc.type());
        }
      }
    }
    desc = null;
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
    long ts = cursor.timestampNanos();
    int inst = record.inst(setIndex, valueIndex);
    int type = desc.type();
    switch (MetricColumn.of(field)) {
      case TS:
        return Math.floorDiv(ts, 1_000_000L);
      case TS_NS:
        return ts;
      case METRIC:
        return metricName;
      case INST:
        return inst == PmTypes.IN_NULL ? null : inst;
      case INSTANCE:
        return inst == PmTypes.IN_NULL ? null : metadata.instanceName(desc.indom(), inst, ts);
      case VAL:
        return PmTypes.isNumeric(type) ? record.doubleValue(setIndex, valueIndex, type) : null;
      case VAL_TEXT:
        return text(type);
      case VAL_EXACT:
        return exact(type);
      case RATE:
        return wantsRate ? rate(ts, inst, type) : null;
      default:
        throw new IllegalArgumentException("column " + field);
    }
  }

  private Object text(int type) {
    switch (type) {
      case PmTypes.TYPE_STRING:
        return record.stringValue(setIndex, valueIndex);
      case PmTypes.TYPE_AGGREGATE:
      case PmTypes.TYPE_AGGREGATE_STATIC:
      case PmTypes.TYPE_EVENT:
      case PmTypes.TYPE_HIGHRES_EVENT:
        return record.appendHex(new StringBuilder(), setIndex, valueIndex).toString();
      default:
        return null;
    }
  }

  private Object exact(int type) {
    if (!PmTypes.isInteger(type)) {
      return null;
    }
    long v = record.longValue(setIndex, valueIndex, type);
    if (type == PmTypes.TYPE_U64 && v < 0) {
      return new BigDecimal(BigInteger.valueOf(v).add(TWO_64));
    }
    return BigDecimal.valueOf(v);
  }

  /** Each value updates the state, so rates stay right whichever rows the query keeps. */
  private Double rate(long ts, int inst, int type) {
    if (desc.semantics() != PmTypes.SEM_COUNTER || !PmTypes.isNumeric(type)) {
      return null;
    }
    double rate = counters.rate(desc.pmid(), inst,
        record.doubleValue(setIndex, valueIndex, type), ts);
    return Double.isNaN(rate) ? null : rate;
  }

  @Override
  public void reset() {
    close();
    record = null;
    desc = null;
    counters.clear();
  }

  @Override
  public void close() {
    if (cursor != null) {
      try {
        cursor.close();
      } catch (IOException ignored) {
        // Nothing was written; a failed close of a read-only file loses nothing.
      }
      cursor = null;
    }
  }
}
