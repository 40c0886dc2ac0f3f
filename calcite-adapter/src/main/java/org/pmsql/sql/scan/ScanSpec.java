package org.pmsql.sql.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.DataContext;
import org.pmsql.archive.values.ValueSelection;

/**
 * What a scan of a metrics table reads: a time window (the latest lower bound and the earliest
 * upper bound, evaluated when the scan starts), the metrics wanted (exact names, parameters
 * bound when the scan starts, or name prefixes; none listed means all), and the columns to
 * produce. Pushed predicates only prune:
 * the planner keeps the full condition above the scan, so a bound here may be loose but never
 * too tight. Generated code holds it as a stashed object, never as text, so names need no
 * escaping (instance names such as process command lines hold any character).
 */
public final class ScanSpec {
  static final ScanSpec ALL = new ScanSpec(List.of(), List.of(), null, null, null, null, null,
      null);

  /** Every value of one metric, or of all when {@code metric} is null. */
  public static ScanSpec of(String metric) {
    return metric == null ? ALL
        : new ScanSpec(List.of(), List.of(), List.of(metric), null, null, null, null, null);
  }

  final List<TimeBound> lower;
  final List<TimeBound> upper;
  /** Exact metric names; null when not restricted by name. */
  final List<String> metrics;
  /**
   * Dynamic parameters the metric name must equal ({@code metric = ?}), bound when the scan
   * starts ({@link #bind}); null when none.
   */
  final List<Integer> metricParameters;
  /** Metric name prefixes (LIKE 'kernel.%'); null when not restricted by prefix. */
  final List<String> prefixes;
  /** Instance ids wanted; null when not restricted. */
  final List<Integer> insts;
  /** Instance names wanted; null when not restricted. */
  final List<String> instances;
  /** Columns to produce, as {@link MetricColumn} numbers, in order; null for all. */
  final int[] fields;

  ScanSpec(List<TimeBound> lower, List<TimeBound> upper, List<String> metrics,
      List<Integer> metricParameters, List<String> prefixes, List<Integer> insts,
      List<String> instances, int[] fields) {
    this.lower = List.copyOf(lower);
    this.upper = List.copyOf(upper);
    this.metrics = metrics == null ? null : List.copyOf(metrics);
    this.metricParameters = metricParameters == null ? null : List.copyOf(metricParameters);
    this.prefixes = prefixes == null ? null : List.copyOf(prefixes);
    this.insts = insts == null ? null : List.copyOf(insts);
    this.instances = instances == null ? null : List.copyOf(instances);
    this.fields = fields;
  }

  ScanSpec withFields(int[] newFields) {
    return new ScanSpec(lower, upper, metrics, metricParameters, prefixes, insts, instances,
        newFields);
  }

  /**
   * This specification with its metric parameters' values as names: a name every one of them
   * equals, or none (a null or differing value holds for no row).
   */
  public ScanSpec bind(DataContext root) {
    if (metricParameters == null) {
      return this;
    }
    List<String> bound = metrics == null ? null : new ArrayList<>(metrics);
    for (int index : metricParameters) {
      Object value = root.get("?" + index);
      List<String> name = value instanceof String text ? List.of(text) : List.of();
      if (bound == null) {
        bound = new ArrayList<>(name);
      } else {
        bound.retainAll(name);
      }
    }
    return new ScanSpec(lower, upper, bound, null, prefixes, insts, instances, fields);
  }

  /** The metrics and instances whose values the scan reads. */
  ValueSelection selection() {
    return new ValueSelection(metrics, prefixes, insts, instances);
  }

  /**
   * The scan's time window in nanoseconds, {low, high} inclusive, its bounds evaluated now
   * (parameters, CURRENT_TIMESTAMP); null when no time can satisfy it.
   */
  public long[] window(DataContext root) {
    Long low = lowest(lower, root, true);
    Long high = lowest(upper, root, false);
    if (low == null || high == null) {
      return null;
    }
    return new long[] {
        low == Long.MIN_VALUE ? Long.MIN_VALUE : Math.multiplyExact(low, 1_000_000L),
        high == Long.MAX_VALUE ? Long.MAX_VALUE : Math.multiplyExact(high, 1_000_000L) + 999_999L};
  }

  private static Long lowest(List<TimeBound> bounds, DataContext root, boolean lower) {
    long result = lower ? Long.MIN_VALUE : Long.MAX_VALUE;
    for (TimeBound b : bounds) {
      Long v = b.evaluate(root);
      if (v == null) {
        return null;
      }
      result = lower ? Math.max(result, v) : Math.min(result, v);
    }
    return result;
  }

  /** For EXPLAIN. */
  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (!lower.isEmpty()) {
      parts.add("ts>=" + lower);
    }
    if (!upper.isEmpty()) {
      parts.add("ts<=" + upper);
    }
    if (metrics != null) {
      parts.add("metric IN " + metrics);
    }
    if (metricParameters != null) {
      parts.add("metric = " + metricParameters.stream().map(i -> "?" + i).toList());
    }
    if (prefixes != null) {
      parts.add("metric LIKE " + prefixes);
    }
    if (insts != null) {
      parts.add("inst IN " + insts);
    }
    if (instances != null) {
      parts.add("instance IN " + instances);
    }
    return parts.isEmpty() ? "all" : String.join(", ", parts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScanSpec s && lower.equals(s.lower) && upper.equals(s.upper)
        && Objects.equals(metrics, s.metrics)
        && Objects.equals(metricParameters, s.metricParameters)
        && Objects.equals(prefixes, s.prefixes)
        && Objects.equals(insts, s.insts) && Objects.equals(instances, s.instances)
        && Arrays.equals(fields, s.fields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(lower, upper, metrics, metricParameters, prefixes, insts, instances)
        * 31 + Arrays.hashCode(fields);
  }
}
