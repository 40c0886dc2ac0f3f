package org.pmsql.sql.function;

import java.util.Arrays;

/**
 * A group's samples, (value, time in nanoseconds) pairs in any order, with what an aggregate
 * was given besides (a window, a horizon): the accumulation of the aggregates over a metric's
 * samples. Computations put them in time order first.
 */
public final class Samples {
  private long[] times = new long[16];
  private double[] values = new double[16];
  private int size;
  private boolean ordered = true;
  long windowStart;
  long windowEnd;
  double parameter;
  String option;

  Samples add(Double value, long nanos) {
    if (value != null) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      ordered &= size == 0 || times[size - 1] <= nanos;
      times[size] = nanos;
      values[size++] = value;
    }
    return this;
  }

  int size() {
    return size;
  }

  /** At least two samples at different times. */
  boolean enough() {
    inTimeOrder();
    return size >= 2 && times[size - 1] != times[0];
  }

  double value(int i) {
    return values[i];
  }

  long time(int i) {
    return times[i];
  }

  /** Puts the samples in time order, keeping the arrival order of equal times. */
  void inTimeOrder() {
    if (ordered) {
      return;
    }
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b]));
    long[] t = new long[size];
    double[] v = new double[size];
    for (int i = 0; i < size; i++) {
      t[i] = times[order[i]];
      v[i] = values[order[i]];
    }
    times = t;
    values = v;
    ordered = true;
  }

  /** PCP: the sum of the steps that went up, and the seconds they span. */
  double[] pcpIncreaseAndSeconds() {
    inTimeOrder();
    double increase = 0;
    double seconds = 0;
    for (int i = 1; i < size; i++) {
      if (values[i] >= values[i - 1]) {
        increase += values[i] - values[i - 1];
        seconds += (times[i] - times[i - 1]) / 1e9;
      }
    }
    return new double[] {increase, seconds};
  }

  /** Prometheus: last - first, plus the value before every decrease. */
  double promIncrease() {
    inTimeOrder();
    double increase = values[size - 1] - values[0];
    for (int i = 1; i < size; i++) {
      if (values[i] < values[i - 1]) {
        increase += values[i - 1];
      }
    }
    return increase;
  }

  double spanSeconds() {
    inTimeOrder();
    return (times[size - 1] - times[0]) / 1e9;
  }

  /**
   * PromQL's extrapolatedRate over [windowStart, windowEnd] of a change over the samples'
   * span: a counter's increase (which cannot have started below zero) or a gauge's delta.
   */
  double extrapolated(double change, boolean counter, boolean perSecond) {
    double sampled = spanSeconds();
    double toStart = (times[0] - windowStart) / 1e9;
    double toEnd = (windowEnd - times[size - 1]) / 1e9;
    double average = sampled / (size - 1);
    if (counter && change > 0 && values[0] >= 0) {
      // a counter cannot have been below zero: extrapolate back no further than to zero
      toStart = Math.min(toStart, sampled * (values[0] / change));
    }
    double threshold = average * 1.1;
    double interval = sampled + (toStart < threshold ? toStart : average / 2)
        + (toEnd < threshold ? toEnd : average / 2);
    double result = change * (interval / sampled);
    return perSecond ? result / ((windowEnd - windowStart) / 1e9) : result;
  }

  /**
   * The least-squares line through the samples, value against seconds from
   * {@code anchorNanos}: {slope per second, value at the anchor}, as PromQL's deriv and
   * predict_linear fit it.
   */
  double[] line(long anchorNanos) {
    inTimeOrder();
    double meanX = 0;
    double meanY = 0;
    for (int i = 0; i < size; i++) {
      meanX += (times[i] - anchorNanos) / 1e9;
      meanY += values[i];
    }
    meanX /= size;
    meanY /= size;
    double covariance = 0;
    double variance = 0;
    for (int i = 0; i < size; i++) {
      double dx = (times[i] - anchorNanos) / 1e9 - meanX;
      covariance += dx * (values[i] - meanY);
      variance += dx * dx;
    }
    double slope = covariance / variance;
    return new double[] {slope, meanY - slope * meanX};
  }

  /** The least-squares line's value {@link #parameter} seconds after {@code anchorNanos}. */
  double predicted(long anchorNanos) {
    double[] line = line(anchorNanos);
    return line[1] + line[0] * parameter;
  }

  /**
   * The time-weighted average over the samples' span: each value held until the next sample
   * (last observation carried forward) or, {@code linear}, joined to the next by a straight
   * line, as TimescaleDB's time_weight averages.
   */
  double timeWeightedAverage(boolean linear) {
    inTimeOrder();
    double area = 0;
    for (int i = 1; i < size; i++) {
      double seconds = (times[i] - times[i - 1]) / 1e9;
      area += (linear ? (values[i - 1] + values[i]) / 2 : values[i - 1]) * seconds;
    }
    return area / spanSeconds();
  }

  /**
   * An aggregate over samples, as Calcite calls one: init, then add per row (each aggregate
   * declares its own, for its arguments), then result.
   */
  public abstract static class Accumulation {
    public Samples init() {
      return new Samples();
    }
  }

  /** The aggregates' accumulation over (val DOUBLE, ts_ns BIGINT). */
  public abstract static class Over extends Accumulation {
    public Samples add(Samples samples, Double value, long nanos) {
      return samples.add(value, nanos);
    }
  }

  /** The accumulation over (val, ts_ns, start_ns, end_ns): a window to extrapolate to. */
  public abstract static class OverWindow extends Accumulation {
    public Samples add(Samples samples, Double value, long nanos, long start, long end) {
      samples.windowStart = start;
      samples.windowEnd = end;
      return samples.add(value, nanos);
    }
  }
}
