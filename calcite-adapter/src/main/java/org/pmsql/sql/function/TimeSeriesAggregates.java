package org.pmsql.sql.function;

import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;

/**
 * Aggregates over a metric's samples (val, ts_ns) as the time-series databases name them;
 * samples may arrive in any order, and values that are NULL are not samples.
 * <ul>
 * <li>{@code time_weight_avg(val, ts_ns[, 'locf' | 'linear'])}: TimescaleDB's time-weighted
 *     average, each value held until the next sample (LOCF, the default) or joined to it by a
 *     line; NULL for fewer than two sample times.
 * <li>{@code deriv(val, ts_ns)}: PromQL's deriv, the least-squares slope per second.
 * <li>{@code predict_linear(val, ts_ns, seconds[, at_ns])}: PromQL's predict_linear, the
 *     least-squares line's value {@code seconds} after {@code at_ns} (PromQL's evaluation time,
 *     such as a window's end), or after the last sample.
 * <li>{@code irate(val, ts_ns)}: PromQL's irate, the per-second rate between the last two
 *     samples, a decrease read as a counter restarted from zero.
 * <li>{@code delta(val, ts_ns[, start_ns, end_ns])}: a gauge's last minus first value, or
 *     PromQL's delta extrapolated to the window [start_ns, end_ns].
 * <li>{@code changes(val, ts_ns)}, {@code resets(val, ts_ns)}: PromQL's counts of samples whose
 *     value differs from the one before, and of those that went down.
 * </ul>
 * The line and rate aggregates give NULL for fewer than two sample times.
 */
public final class TimeSeriesAggregates {
  private TimeSeriesAggregates() {}

  public static void register(SchemaPlus root) {
    root.add("time_weight_avg", AggregateFunctionImpl.create(TimeWeightAvg.class));
    root.add("time_weight_avg", AggregateFunctionImpl.create(TimeWeightAvgBy.class));
    root.add("deriv", AggregateFunctionImpl.create(Deriv.class));
    root.add("predict_linear", AggregateFunctionImpl.create(PredictLinear.class));
    root.add("predict_linear", AggregateFunctionImpl.create(PredictLinearAt.class));
    root.add("irate", AggregateFunctionImpl.create(Irate.class));
    root.add("delta", AggregateFunctionImpl.create(Delta.class));
    root.add("delta", AggregateFunctionImpl.create(DeltaInWindow.class));
    root.add("changes", AggregateFunctionImpl.create(Changes.class));
    root.add("resets", AggregateFunctionImpl.create(Resets.class));
  }

  /** time_weight_avg(val, ts_ns): last observation carried forward. */
  public static final class TimeWeightAvg extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.timeWeightedAverage(false) : null;
    }
  }

  /** time_weight_avg(val, ts_ns, method): 'locf' or 'linear'. */
  public static final class TimeWeightAvgBy extends Samples.Accumulation {
    public Samples add(Samples samples, Double value, long nanos, String method) {
      samples.option = method;
      return samples.add(value, nanos);
    }

    public Double result(Samples samples) {
      if (samples.size() == 0) {
        return null;
      }
      boolean linear = switch (samples.option.strip().toLowerCase(java.util.Locale.ROOT)) {
        case "linear" -> true;
        case "locf" -> false;
        default -> throw new IllegalArgumentException("time_weight_avg's method is 'locf' or"
            + " 'linear', not '" + samples.option + "'");
      };
      return samples.enough() ? samples.timeWeightedAverage(linear) : null;
    }
  }

  /** deriv(val, ts_ns). */
  public static final class Deriv extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.line(samples.time(0))[0] : null;
    }
  }

  /** predict_linear(val, ts_ns, seconds): from the last sample. */
  public static final class PredictLinear extends Samples.Accumulation {
    public Samples add(Samples samples, Double value, long nanos, double seconds) {
      samples.parameter = seconds;
      return samples.add(value, nanos);
    }

    public Double result(Samples samples) {
      return samples.enough() ? samples.predicted(samples.time(samples.size() - 1)) : null;
    }
  }

  /** predict_linear(val, ts_ns, seconds, at_ns): from an evaluation time. */
  public static final class PredictLinearAt extends Samples.Accumulation {
    public Samples add(Samples samples, Double value, long nanos, double seconds, long at) {
      samples.parameter = seconds;
      samples.windowEnd = at;
      return samples.add(value, nanos);
    }

    public Double result(Samples samples) {
      return samples.enough() ? samples.predicted(samples.windowEnd) : null;
    }
  }

  /** irate(val, ts_ns). */
  public static final class Irate extends Samples.Over {
    public Double result(Samples samples) {
      if (!samples.enough()) {
        return null;
      }
      int last = samples.size() - 1;
      double seconds = (samples.time(last) - samples.time(last - 1)) / 1e9;
      if (seconds == 0) {
        return null;
      }
      double now = samples.value(last);
      double before = samples.value(last - 1);
      return (now < before ? now : now - before) / seconds;
    }
  }

  /** delta(val, ts_ns): last minus first. */
  public static final class Delta extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.value(samples.size() - 1) - samples.value(0) : null;
    }
  }

  /** delta(val, ts_ns, start_ns, end_ns): extrapolated to the window, as PromQL's. */
  public static final class DeltaInWindow extends Samples.OverWindow {
    public Double result(Samples samples) {
      if (!samples.enough()) {
        return null;
      }
      double change = samples.value(samples.size() - 1) - samples.value(0);
      return samples.extrapolated(change, false, false);
    }
  }

  /** changes(val, ts_ns). */
  public static final class Changes extends Samples.Over {
    public Long result(Samples samples) {
      return samples.size() == 0 ? null : count(samples, false);
    }
  }

  /** resets(val, ts_ns). */
  public static final class Resets extends Samples.Over {
    public Long result(Samples samples) {
      return samples.size() == 0 ? null : count(samples, true);
    }
  }

  /** Samples whose value differs from the one before ({@code down}: is below it). */
  private static long count(Samples samples, boolean down) {
    samples.inTimeOrder();
    long n = 0;
    for (int i = 1; i < samples.size(); i++) {
      double now = samples.value(i);
      double before = samples.value(i - 1);
      if (down ? now < before : !(now == before || Double.isNaN(now) && Double.isNaN(before))) {
        n++;
      }
    }
    return n;
  }
}
