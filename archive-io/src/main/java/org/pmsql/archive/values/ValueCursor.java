package org.pmsql.archive.values;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigInteger;
import java.util.IdentityHashMap;
import java.util.Map;
import org.pmsql.archive.RecordCursor;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/**
 * The values of records one at a time, in archive order, within a time window and for the
 * wanted metrics and instances only, read through accessors so that no object is made per
 * value. Counter rates follow pmrep -u: the change since the same metric and instance's
 * previous value over the seconds between them, none on a first value or when the counter went
 * down; the window's first rates come from values read before it.
 */
public final class ValueCursor implements Closeable {
  /** How far before a window to look for the values its first rates start from. */
  public static final long RATE_LOOKBACK_NANOS = 15L * 60 * 1_000_000_000L;
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private final Opener opener;
  private final ValueFilter filter;
  private final boolean rates;
  private final long lowNanos;
  private final long highNanos;
  private final Runnable onRecord;
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
  private double rate = Double.NaN;

  /** Where records come from: finished archives, or archives followed as they grow. */
  public interface Opener {
    /** A cursor at the first record at or after {@code fromNanos} (MIN_VALUE: the very first). */
    RecordCursor open(long fromNanos) throws IOException;
  }

  /**
   * Values from {@code lowNanos} to {@code highNanos} inclusive; {@code rates} when rates are
   * read (each value then updates its counter's history, whichever values the reader keeps);
   * {@code onRecord} runs before each record is read (progress, cancellation).
   */
  public ValueCursor(Opener opener, ValueFilter filter, boolean rates, long lowNanos,
      long highNanos, Runnable onRecord) {
    this.opener = opener;
    this.filter = filter;
    this.rates = rates;
    this.lowNanos = lowNanos;
    this.highNanos = highNanos;
    this.onRecord = onRecord;
  }

  /** Moves to the next wanted value; false when there are no more. */
  public boolean next() throws IOException {
    if (cursor == null) {
      cursor = opener.open(rates && lowNanos > Long.MIN_VALUE + RATE_LOOKBACK_NANOS
          ? lowNanos - RATE_LOOKBACK_NANOS : lowNanos);
    }
    while (true) {
      if (desc != null && nextWantedValue()) {
        if (rates) {
          rate = counterRate();
        }
        return true;
      }
      if (record != null && advanceSet()) {
        continue;
      }
      if (!nextRecord()) {
        return false;
      }
    }
  }

  public long nanos() {
    return cursor.timestampNanos();
  }

  /** The metric's name as the filter reports it. */
  public String metric() {
    return metricName;
  }

  public MetricDesc desc() {
    return desc;
  }

  /** The instance number, or {@link PmTypes#IN_NULL} for a metric without instances. */
  public int inst() {
    return record.inst(setIndex, valueIndex);
  }

  /** The instance's name at this time, or null (no instances, or a name the archive lacks). */
  public String instanceName() {
    int inst = inst();
    return inst == PmTypes.IN_NULL ? null
        : metadata.instanceName(desc.indom(), inst, cursor.timestampNanos());
  }

  public boolean isNumeric() {
    return PmTypes.isNumeric(desc.type());
  }

  public boolean isInteger() {
    return PmTypes.isInteger(desc.type());
  }

  /** A numeric value as a double. */
  public double doubleValue() {
    return record.doubleValue(setIndex, valueIndex, desc.type());
  }

  /** An integer value's 64 bits (a u64 above 2^63 reads negative; see {@link #exactValue}). */
  public long longValue() {
    return record.longValue(setIndex, valueIndex, desc.type());
  }

  /** An integer value exactly, 64-bit unsigned ones included. */
  public BigInteger exactValue() {
    long v = longValue();
    return desc.type() == PmTypes.TYPE_U64 && v < 0 ? BigInteger.valueOf(v).add(TWO_64)
        : BigInteger.valueOf(v);
  }

  /** A string's text, or an aggregate's or event's bytes in hex; null for numbers. */
  public String text() {
    switch (desc.type()) {
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

  /** A counter's rate per second (rates read), or NaN: not a counter, first value, went down. */
  public double rate() {
    return rate;
  }

  /** Moves to the next value of a wanted instance in the current set. */
  private boolean nextWantedValue() {
    while (++valueIndex < numval) {
      if (!filter.restrictsInstances() || filter.wantsInstance(this)) {
        return true;
      }
    }
    return false;
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
        String reported = filter.reportedName(x);
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
    onRecord.run();
    if (!cursor.next()) {
      return false;
    }
    long ts = cursor.timestampNanos();
    if (ts > highNanos) {
      return false;
    }
    if (cursor.isMark()) {
      // pmrep -u, the reference for rates, rates across a mark when the counter did not go
      // down (a restarted host's counters usually did, which gives no rate).
      return true;
    }
    record = cursor.record();
    metadata = cursor.metadata();
    setIndex = -1;
    if (ts < lowNanos) {
      if (rates) {
        warmRates();
      }
      record = null;
    }
    return true;
  }

  /** Before the window, only the counters' last values are kept, for the first rates in it. */
  private void warmRates() {
    while (advanceSet()) {
      for (valueIndex = 0; valueIndex < numval; valueIndex++) {
        counterRate();
      }
    }
    desc = null;
  }

  private double counterRate() {
    if (desc.semantics() != PmTypes.SEM_COUNTER || !PmTypes.isNumeric(desc.type())) {
      return Double.NaN;
    }
    return counters.rate(desc.pmid(), inst(), doubleValue(), cursor.timestampNanos());
  }

  /** Back to before the first value, to read them again. */
  public void reset() throws IOException {
    close();
    record = null;
    desc = null;
    counters.clear();
  }

  @Override
  public void close() throws IOException {
    if (cursor != null) {
      RecordCursor c = cursor;
      cursor = null;
      c.close();
    }
  }
}
