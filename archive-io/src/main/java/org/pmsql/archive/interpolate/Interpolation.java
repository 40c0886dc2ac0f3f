package org.pmsql.archive.interpolate;

import java.io.IOException;
import java.util.Arrays;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/**
 * One metric's values at regular times, by libpcp's interpolation rules (interp.c), which
 * pmrep and pmval apply to an archive when given an interval: for each instance the nearest
 * observations before and after the time bound the answer, and a {@code <mark>} between them
 * means there is none.
 * <ul>
 * <li>counter: linear between the two (integers rounded half up, floats rounded to float);
 *     none at the first time after a mark, when the time before had values;
 * <li>instant: the earlier one, when there is also a later one;
 * <li>discrete: the earlier one.
 * </ul>
 * An observation exactly at the time is the answer. The observations are read once, into
 * primitive arrays per instance; the samples are then binary searches.
 */
public final class Interpolation {
  private final MetricDesc desc;
  private final Observations observations;
  private final long[] marks;
  private final long firstNanos;
  private final long lastNanos;

  private Interpolation(MetricDesc desc, Observations observations, long[] marks,
      long firstNanos, long lastNanos) {
    this.desc = desc;
    this.observations = observations;
    this.marks = marks;
    this.firstNanos = firstNanos;
    this.lastNanos = lastNanos;
  }

  /** Reads the metric's numeric values and the marks of the whole set. */
  public static Interpolation read(ArchiveSet set, String metric) throws IOException {
    MetricDesc desc = set.desc(metric);
    if (desc == null) {
      throw new IllegalArgumentException("host " + set.hostname() + " has no metric " + metric);
    }
    if (!PmTypes.isNumeric(desc.type())) {
      throw new IllegalArgumentException(metric + " is not numeric ("
          + PmTypes.typeName(desc.type()) + "): only numeric metrics interpolate");
    }
    Observations observations = new Observations();
    long[] marks = new long[16];
    int markCount = 0;
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    try (ArchiveCursor cursor = set.cursor()) {
      while (cursor.next()) {
        long t = cursor.timestampNanos();
        if (first == Long.MIN_VALUE) {
          first = t;
        }
        last = t;
        if (cursor.isMark()) {
          if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, markCount * 2);
          }
          marks[markCount++] = t;
          continue;
        }
        ResultRecord record = cursor.record();
        for (int s = 0; s < record.setCount(); s++) {
          if (record.pmid(s) != desc.pmid()) {
            continue;
          }
          for (int i = 0; i < record.numval(s); i++) {
            observations.add(record.inst(s, i), t, record.doubleValue(s, i, desc.type()));
          }
        }
      }
    }
    return new Interpolation(desc, observations, Arrays.copyOf(marks, markCount), first, last);
  }

  public MetricDesc desc() {
    return desc;
  }

  /** The instances seen, in the order first seen. */
  public int[] instances() {
    return observations.instances();
  }

  /**
   * The values at {@code start + k * step} up to {@code end} (and not past the last record),
   * instance by instance in the order first seen, with the counter rate between consecutive
   * times as pmrep computes it (none for the first, after a missing value, or when the counter
   * went down). Only the current time's values are held, whatever the range.
   */
  public Samples samples(long startNanos, long stepNanos, long endNanos) {
    if (stepNanos <= 0) {
      throw new IllegalArgumentException("the step must be positive");
    }
    return new Samples(Math.max(startNanos, firstTime(startNanos, stepNanos)), stepNanos,
        Math.min(endNanos, lastNanos));
  }

  /** The first time of the grid start + k * step that is not before the first record. */
  private long firstTime(long startNanos, long stepNanos) {
    if (startNanos >= firstNanos) {
      return startNanos;
    }
    long steps = (firstNanos - startNanos + stepNanos - 1) / stepNanos;
    return startNanos + steps * stepNanos;
  }

  /** A cursor over the samples: {@link #next()}, then the current one's fields. */
  public final class Samples {
    private final long stepNanos;
    private final long stop;
    private final boolean counter = desc.semantics() == PmTypes.SEM_COUNTER;
    private final int[] instances = observations.instances();
    private final double[] previous = new double[instances.length];
    private long t;
    private boolean started;
    private long previousT = Long.MIN_VALUE;
    private boolean previousHadValues;
    private boolean hadValues;
    private boolean markCrossed;
    private int k = instances.length;
    private double value;
    private double rate;

    private Samples(long startNanos, long stepNanos, long stop) {
      this.stepNanos = stepNanos;
      this.stop = stop;
      this.t = startNanos - stepNanos;
      Arrays.fill(previous, Double.NaN);
    }

    public boolean next() {
      for (;;) {
        if (k == instances.length) {
          if (started) {
            previousT = t;
            previousHadValues = hadValues;
          }
          if (t + stepNanos > stop) {
            return false;
          }
          t += stepNanos;
          started = true;
          k = 0;
          hadValues = false;
          // interp.c: after a mark, a counter that had values gives none, so no rate spans it
          markCrossed = counter && previousHadValues && previousT != Long.MIN_VALUE
              && markIn(previousT, t);
        }
        int current = k++;
        double v = markCrossed ? Double.NaN : valueAt(observations.of(current), t);
        double before = previous[current];
        previous[current] = v;
        if (!Double.isNaN(v)) {
          hadValues = true;
          value = v;
          rate = counter && !Double.isNaN(before) && v >= before
              ? (v - before) / ((t - previousT) / 1e9) : Double.NaN;
          return true;
        }
      }
    }

    public long nanos() {
      return t;
    }

    public int inst() {
      return instances[k - 1];
    }

    public double value() {
      return value;
    }

    /** The counter rate per second from the previous time, or NaN. */
    public double rate() {
      return rate;
    }
  }

  private double valueAt(Observations.Series series, long t) {
    int n = series.size();
    int next = series.firstAtOrAfter(t);
    if (next < n && series.time(next) == t) {
      return series.value(next);
    }
    int prior = next - 1;
    int sem = desc.semantics();
    if (sem == PmTypes.SEM_DISCRETE) {
      // a discrete value holds until the next one, across marks (pmrep agrees)
      return prior >= 0 ? series.value(prior) : Double.NaN;
    }
    // a mark between an observation and t stands in for it: no value on that side
    boolean hasPrior = prior >= 0 && !markIn(series.time(prior), t);
    boolean hasNext = next < n && !markIn(t, series.time(next));
    if (!hasPrior || !hasNext) {
      return Double.NaN;
    }
    if (sem != PmTypes.SEM_COUNTER) {
      return series.value(prior);
    }
    double vp = series.value(prior);
    double fraction = (double) (t - series.time(prior)) / (series.time(next) - series.time(prior));
    return switch (desc.type()) {
      // interp.c adds 0.5 and truncates for integers, and keeps a float's precision
      case PmTypes.TYPE_32, PmTypes.TYPE_U32, PmTypes.TYPE_64, PmTypes.TYPE_U64 ->
          (double) (long) (0.5 + vp + fraction * (series.value(next) - vp));
      case PmTypes.TYPE_FLOAT -> (float) (vp + fraction * (series.value(next) - vp));
      default -> vp + fraction * (series.value(next) - vp);
    };
  }

  /** Whether a mark lies in (from, to]. */
  private boolean markIn(long from, long to) {
    int i = Arrays.binarySearch(marks, from);
    int after = i >= 0 ? i + 1 : -i - 1;
    while (after < marks.length && marks[after] == from) {
      after++;
    }
    return after < marks.length && marks[after] <= to;
  }
}
