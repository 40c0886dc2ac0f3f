package org.pmsql.sql.function;

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

  /** counter_increase(val, ts_ns). */
  public static final class CounterIncrease extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.pcpIncreaseAndSeconds()[0] : null;
    }
  }

  /** counter_rate(val, ts_ns): increase per second over the steps that went up. */
  public static final class CounterRate extends Samples.Over {
    public Double result(Samples samples) {
      if (!samples.enough()) {
        return null;
      }
      double[] increaseAndSeconds = samples.pcpIncreaseAndSeconds();
      return increaseAndSeconds[1] > 0 ? increaseAndSeconds[0] / increaseAndSeconds[1] : null;
    }
  }

  /** prom_increase(val, ts_ns). */
  public static final class PromIncrease extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promIncrease() : null;
    }
  }

  /** prom_rate(val, ts_ns): over the samples' own span. */
  public static final class PromRate extends Samples.Over {
    public Double result(Samples samples) {
      return samples.enough() ? samples.promIncrease() / samples.spanSeconds() : null;
    }
  }

  /** prom_increase(val, ts_ns, start_ns, end_ns), extrapolated to the window. */
  public static final class PromIncreaseInWindow extends Samples.OverWindow {
    public Double result(Samples samples) {
      return samples.enough() ? samples.extrapolated(samples.promIncrease(), true, false) : null;
    }
  }

  /** prom_rate(val, ts_ns, start_ns, end_ns), extrapolated to the window, per second of it. */
  public static final class PromRateInWindow extends Samples.OverWindow {
    public Double result(Samples samples) {
      return samples.enough() ? samples.extrapolated(samples.promIncrease(), true, true) : null;
    }
  }
}
