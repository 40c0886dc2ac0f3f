package org.pmsql.sql.function;

import java.util.Arrays;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;

/**
 * Aggregates over a counter's samples (val, ts_ns) in a group, each stating what a decrease
 * means. Samples may arrive in any order; they are put in time order first.
 * <ul>
 * <li>{@code counter_increase}, {@code counter_rate}: PCP's rule, as pmrep's rates: a step where
 *     the counter went down counts for nothing, neither its change nor its time.
 * <li>{@code prom_increase}, {@code prom_rate}: Prometheus's rule: after a decrease the counter
 *     restarted from zero, so the new value is the step's increase. Over the samples' own span.
 * <li>{@code prom_increase(val, ts_ns, start_ns, end_ns)} and {@code prom_rate(...)}: the same,
 *     extrapolated to the window's edges as PromQL's increase() and rate() do.
 * </ul>
 * All give NULL for fewer than two samples. Values are per second for the rates.
 */
public final class CounterAggregates {
  private CounterAggregates() {}

  public static void register(SchemaPlus root) {
    root.add("counter_increase", AggregateFunctionImpl.create(CounterIncrease.class));
    root.add("counter_rate", AggregateFunctionImpl.create(CounterRate.class));
    root.add("prom_increase", AggregateFunctionImpl.create(PromIncrease.class));
    root.add("prom_rate", AggregateFunctionImpl.create(PromRate.class));
    root.add("prom_increase", AggregateFunctionImpl.create(PromIncreaseInWindow.class));
    root.add("prom_rate", AggregateFunctionImpl.create(PromRateInWindow.class));
  }

  /** A group's samples, with the window a windowed aggregate was given. */
  public static final class Samples {
    private long[] times = new long[16];
    private double[] values = new double[16];
    private int size;
    private long windowStart;
    private long windowEnd;

    Samples add(Double value, long nanos) {
      if (value != null) {
        if (size == times.length) {
          times = Arrays.copyOf(times, size * 2);
          values = Arrays.copyOf(values, size * 2);
        }
        times[size] = nanos;
        values[size++] = value;
      }
      return this;
    }

    private void sort() {
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
    }

    /** PCP: the sum of the steps that went up, and the seconds they span. */
    double[] pcpIncreaseAndSeconds() {
      sort();
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
      sort();
      double increase = values[size - 1] - values[0];
      for (int i = 1; i < size; i++) {
        if (values[i] < values[i - 1]) {
          increase += values[i - 1];
        }
      }
      return increase;
    }

    double spanSeconds() {
      return (times[size - 1] - times[0]) / 1e9;
    }

    /** PromQL's extrapolatedRate for a counter, over [windowStart, windowEnd]. */
    double promExtrapolated(boolean perSecond) {
      double increase = promIncrease();
      double sampled = spanSeconds();
      double toStart = (times[0] - windowStart) / 1e9;
      double toEnd = (windowEnd - times[size - 1]) / 1e9;
      double average = sampled / (size - 1);
      if (increase > 0 && values[0] >= 0) {
        // a counter cannot have been below zero: extrapolate back no further than to zero
        toStart = Math.min(toStart, sampled * (values[0] / increase));
      }
      double threshold = average * 1.1;
      double interval = sampled + (toStart < threshold ? toStart : average / 2)
          + (toEnd < threshold ? toEnd : average / 2);
      double result = increase * (interval / sampled);
      return perSecond ? result / ((windowEnd - windowStart) / 1e9) : result;
    }

    boolean enough() {
      return size >= 2 && times[size - 1] != times[0];
    }
  }

  /**
   * The accumulation of the two-argument aggregates: (val DOUBLE, ts_ns BIGINT), the types of
   * the metrics tables' columns (Calcite does not convert an aggregate's arguments: a DECIMAL
   * literal needs CAST(... AS DOUBLE)).
   */
  public abstract static class OverSamples {
    public Samples init() {
      return new Samples();
    }

    public Samples add(Samples samples, Double value, long nanos) {
      return samples.add(value, nanos);
    }
  }

  /** The accumulation of the windowed aggregates: (val, ts_ns, start_ns, end_ns). */
  public abstract static class OverWindow {
    public Samples init() {
      return new Samples();
    }

    public Samples add(Samples samples, Double value, long nanos, long start, long end) {
      samples.windowStart = start;
      samples.windowEnd = end;
      return samples.add(value, nanos);
    }
  }

  /** counter_increase(val, ts_ns). */
  public static final class CounterIncrease extends OverSamples {
    public Double result(Samples samples) {
      return samples.enough() ? samples.pcpIncreaseAndSeconds()[0] : null;
    }
  }

  /** counter_rate(val, ts_ns): increase per second over the steps that went up. */
  public static final class CounterRate extends OverSamples {
    public Double result(Samples samples) {
      if (!samples.enough()) {
        return null;
      }
      double[] increaseAndSeconds = samples.pcpIncreaseAndSeconds();
      return increaseAndSeconds[1] > 0 ? increaseAndSeconds[0] / increaseAndSeconds[1] : null;
    }
  }

  /** prom_increase(val, ts_ns). */
  public static final class PromIncrease extends OverSamples {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promIncrease() : null;
    }
  }

  /** prom_rate(val, ts_ns): over the samples' own span. */
  public static final class PromRate extends OverSamples {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promIncrease() / samples.spanSeconds() : null;
    }
  }

  /** prom_increase(val, ts_ns, start_ns, end_ns), extrapolated to the window. */
  public static final class PromIncreaseInWindow extends OverWindow {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promExtrapolated(false) : null;
    }
  }

  /** prom_rate(val, ts_ns, start_ns, end_ns), extrapolated to the window, per second of it. */
  public static final class PromRateInWindow extends OverWindow {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promExtrapolated(true) : null;
    }
  }
}
