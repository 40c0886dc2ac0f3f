package org.pmsql.sql;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.DataContext;

/**
 * What a scan of a metrics table reads: a time window (the latest lower bound and the earliest
 * upper bound, evaluated when the scan starts), the metrics wanted (exact names or name
 * prefixes; none listed means all), and the columns to produce. Pushed predicates only prune:
 * the planner keeps the full condition above the scan, so a bound here may be loose but never
 * too tight.
 */
final class ScanSpec {
  static final ScanSpec ALL = new ScanSpec(List.of(), List.of(), null, null, null, null, null);

  /** Every value of one metric, or of all when {@code metric} is null. */
  static ScanSpec of(String metric) {
    return metric == null ? ALL
        : new ScanSpec(List.of(), List.of(), List.of(metric), null, null, null, null);
  }

  final List<TimeBound> lower;
  final List<TimeBound> upper;
  /** Exact metric names; null when not restricted by name. */
  final List<String> metrics;
  /** Metric name prefixes (LIKE 'kernel.%'); null when not restricted by prefix. */
  final List<String> prefixes;
  /** Instance ids wanted; null when not restricted. */
  final List<Integer> insts;
  /** Instance names wanted; null when not restricted. */
  final List<String> instances;
  /** Columns of {@link MetricsTable#COLUMNS} to produce, in order; null for all. */
  final int[] fields;

  ScanSpec(List<TimeBound> lower, List<TimeBound> upper, List<String> metrics,
      List<String> prefixes, List<Integer> insts, List<String> instances, int[] fields) {
    this.lower = List.copyOf(lower);
    this.upper = List.copyOf(upper);
    this.metrics = metrics == null ? null : List.copyOf(metrics);
    this.prefixes = prefixes == null ? null : List.copyOf(prefixes);
    this.insts = insts == null ? null : List.copyOf(insts);
    this.instances = instances == null ? null : List.copyOf(instances);
    this.fields = fields;
  }

  ScanSpec withFields(int[] newFields) {
    return new ScanSpec(lower, upper, metrics, prefixes, insts, instances, newFields);
  }

  boolean restrictsInstances() {
    return insts != null || instances != null;
  }

  /** Whether a metric of this name is wanted. */
  boolean wants(String metric) {
    if (metrics == null && prefixes == null) {
      return true;
    }
    if (metrics != null && metrics.contains(metric)) {
      return true;
    }
    if (prefixes != null) {
      for (String p : prefixes) {
        if (metric.startsWith(p)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The latest lower bound in ms, or Long.MIN_VALUE; a null parameter gives no rows (null). */
  /**
   * The scan's time window in nanoseconds, {low, high} inclusive, its bounds evaluated now
   * (parameters, CURRENT_TIMESTAMP); null when no time can satisfy it.
   */
  long[] window(DataContext root) {
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

  private static String join(List<TimeBound> bounds) {
    StringBuilder sb = new StringBuilder();
    for (TimeBound b : bounds) {
      sb.append(sb.length() == 0 ? "" : ",").append(b);
    }
    return sb.toString();
  }

  /** The text form carried into generated code. */
  String encode() {
    StringBuilder sb = new StringBuilder();
    sb.append("lower=").append(join(lower)).append(";upper=").append(join(upper));
    if (metrics != null) {
      sb.append(";metrics=").append(String.join("\u0001", metrics));
    }
    if (prefixes != null) {
      sb.append(";prefixes=").append(String.join("\u0001", prefixes));
    }
    if (insts != null) {
      sb.append(";insts=");
      for (int i = 0; i < insts.size(); i++) {
        sb.append(i == 0 ? "" : ",").append(insts.get(i));
      }
    }
    if (instances != null) {
      sb.append(";instances=").append(String.join("\u0001", instances));
    }
    if (fields != null) {
      sb.append(";fields=");
      for (int i = 0; i < fields.length; i++) {
        sb.append(i == 0 ? "" : ",").append(fields[i]);
      }
    }
    return sb.toString();
  }

  static ScanSpec decode(String text) {
    List<TimeBound> lower = List.of();
    List<TimeBound> upper = List.of();
    List<String> metrics = null;
    List<String> prefixes = null;
    List<Integer> insts = null;
    List<String> instances = null;
    int[] fields = null;
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      String key = part.substring(0, eq);
      String value = part.substring(eq + 1);
      switch (key) {
        case "lower":
          lower = TimeBound.parseAll(value);
          break;
        case "upper":
          upper = TimeBound.parseAll(value);
          break;
        case "metrics":
          metrics = value.isEmpty() ? List.of() : List.of(value.split("\u0001", -1));
          break;
        case "prefixes":
          prefixes = value.isEmpty() ? List.of() : List.of(value.split("\u0001", -1));
          break;
        case "insts":
          insts = value.isEmpty() ? List.of()
              : Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
          break;
        case "instances":
          instances = value.isEmpty() ? List.of() : List.of(value.split("\u0001", -1));
          break;
        case "fields":
          fields = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
          break;
        default:
          throw new IllegalArgumentException("unknown scan spec key " + key);
      }
    }
    return new ScanSpec(lower, upper, metrics, prefixes, insts, instances, fields);
  }

  /** For EXPLAIN: readable, without the separator characters of {@link #encode}. */
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
    return o instanceof ScanSpec s && encode().equals(s.encode());
  }

  @Override
  public int hashCode() {
    return Objects.hash(encode());
  }
}
