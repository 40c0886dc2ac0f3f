package org.pmsql.sql.scan;

import com.google.common.collect.Range;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Turns the conjuncts of a filter over a metrics table into what a scan can use: bounds on ts
 * or ts_ns (literals, dynamic parameters, CURRENT_TIMESTAMP plus or minus an interval, BETWEEN
 * and IN ranges) and the metric names wanted (=, IN, LIKE 'prefix%'). Anything else is ignored
 * here and left to the filter that stays above the scan.
 */
public final class PcpFilterTranslator {
  private final int tsColumn;
  private final int tsNsColumn;
  private final int metricColumn;
  private final int instColumn;
  private final int instanceColumn;
  private final List<TimeBound> lower = new ArrayList<>();
  private final List<TimeBound> upper = new ArrayList<>();
  private List<String> metrics;
  private List<Integer> metricParameters;
  private List<String> prefixes;
  private List<Integer> insts;
  private List<String> instances;

  PcpFilterTranslator(PcpTableScan scan) {
    this(scanColumns(scan), scan.spec);
  }

  /**
   * @param columns the scanned row's columns as {@link MetricColumn} numbers
   * @param start what is already pushed
   */
  public PcpFilterTranslator(int[] columns, ScanSpec start) {
    this.tsColumn = indexOf(columns, MetricColumn.TS);
    this.tsNsColumn = indexOf(columns, MetricColumn.TS_NS);
    this.metricColumn = indexOf(columns, MetricColumn.METRIC);
    this.instColumn = indexOf(columns, MetricColumn.INST);
    this.instanceColumn = indexOf(columns, MetricColumn.INSTANCE);
    lower.addAll(start.lower);
    upper.addAll(start.upper);
    metrics = start.metrics;
    metricParameters = start.metricParameters == null ? null
        : new ArrayList<>(start.metricParameters);
    prefixes = start.prefixes;
    insts = start.insts;
    instances = start.instances;
  }

  /** The scan's columns, in its output order, as {@link MetricColumn} numbers. */
  public static int[] scanColumns(PcpTableScan scan) {
    return scan.spec.fields != null ? scan.spec.fields : scan.metricsTable.columns();
  }

  private static int indexOf(int[] columns, MetricColumn column) {
    for (int i = 0; i < columns.length; i++) {
      if (columns[i] == column.number()) {
        return i;
      }
    }
    return -1;
  }

  ScanSpec translate(RexNode condition, int[] fields) {
    return translate(List.of(condition), fields);
  }

  /** The same for conditions that must all hold, as a filterable table receives them. */
  public ScanSpec translate(List<RexNode> conditions, int[] fields) {
    for (RexNode condition : conditions) {
      for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
        if (conjunct instanceof RexCall call) {
          conjunct(call);
        }
      }
    }
    return new ScanSpec(lower, upper, metrics, metricParameters, prefixes, insts, instances,
        fields);
  }

  private void conjunct(RexCall call) {
    switch (call.getKind()) {
      case GREATER_THAN:
      case GREATER_THAN_OR_EQUAL:
      case LESS_THAN:
      case LESS_THAN_OR_EQUAL:
      case EQUALS:
        comparison(call);
        break;
      case SEARCH:
        search(call);
        break;
      case LIKE:
        // ILIKE is a LIKE too, whose prefix matches without regard to case: not pushed
        if (!(call.getOperator() instanceof SqlLikeOperator like) || like.isCaseSensitive()) {
          like(call);
        }
        break;
      default:
    }
  }

  private void comparison(RexCall call) {
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind kind = call.getKind();
    if (!(left instanceof RexInputRef) && right instanceof RexInputRef) {
      RexNode t = left;
      left = right;
      right = t;
      kind = kind.reverse();
    }
    if (!(left instanceof RexInputRef ref)) {
      return;
    }
    int column = ref.getIndex();
    RexNode value = right instanceof RexCall cast && cast.getKind() == SqlKind.CAST
        ? cast.getOperands().get(0) : right;
    if (kind == SqlKind.EQUALS && column == metricColumn
        && value instanceof RexDynamicParam param) {
      // idempotent, as restrict() is: the rule pushing a filter may push it again, and a spec
      // that changes each time keeps the planner firing it
      if (metricParameters == null) {
        metricParameters = new ArrayList<>();
      }
      if (!metricParameters.contains(param.getIndex())) {
        metricParameters.add(param.getIndex());
      }
      return;
    }
    if (kind == SqlKind.EQUALS && right instanceof RexLiteral lit) {
      if (column == metricColumn) {
        restrictMetrics(List.of(lit.getValueAs(String.class)));
        return;
      }
      if (column == instColumn) {
        insts = restrict(insts, List.of(lit.getValueAs(Integer.class)));
        return;
      }
      if (column == instanceColumn) {
        instances = restrict(instances, List.of(lit.getValueAs(String.class)));
        return;
      }
    }
    TimeBound bound = column == tsColumn ? bound(right)
        : column == tsNsColumn ? nanosBound(right) : null;
    if (bound == null) {
      return;
    }
    if (kind == SqlKind.GREATER_THAN || kind == SqlKind.GREATER_THAN_OR_EQUAL
        || kind == SqlKind.EQUALS) {
      addOnce(lower, bound);
    }
    if (kind == SqlKind.LESS_THAN || kind == SqlKind.LESS_THAN_OR_EQUAL
        || kind == SqlKind.EQUALS) {
      addOnce(upper, bound);
    }
  }

  private void search(RexCall call) {
    if (!(call.getOperands().get(0) instanceof RexInputRef ref)
        || !(call.getOperands().get(1) instanceof RexLiteral literal)) {
      return;
    }
    Sarg<?> sarg = literal.getValueAs(Sarg.class);
    if (sarg == null || sarg.nullAs == RexUnknownAs.TRUE
        || sarg.rangeSet.isEmpty()) {
      return;
    }
    if (sarg.isPoints() && (ref.getIndex() == metricColumn
        || ref.getIndex() == instanceColumn || ref.getIndex() == instColumn)) {
      List<String> names = new ArrayList<>();
      List<Integer> ids = new ArrayList<>();
      for (Range<?> r : sarg.rangeSet.asRanges()) {
        if (r.lowerEndpoint() instanceof NlsString nls) {
          names.add(nls.getValue());
        } else if (r.lowerEndpoint() instanceof Number n) {
          ids.add(n.intValue());
        }
      }
      if (ref.getIndex() == metricColumn) {
        restrictMetrics(names);
      } else if (ref.getIndex() == instanceColumn) {
        instances = restrict(instances, names);
      } else {
        insts = restrict(insts, ids);
      }
      return;
    }
    if (ref.getIndex() != tsColumn && ref.getIndex() != tsNsColumn) {
      return;
    }
    Range<?> span = sarg.rangeSet.span();
    boolean nanos = ref.getIndex() == tsNsColumn;
    if (span.hasLowerBound()) {
      addOnce(lower, endpoint(span.lowerEndpoint(), nanos, false));
    }
    if (span.hasUpperBound()) {
      addOnce(upper, endpoint(span.upperEndpoint(), nanos, true));
    }
  }

  /**
   * The rule sees the same filter again above the scan it made, so a bound already pushed must
   * not be added twice (the specification would grow and the planner never settle).
   */
  private static void addOnce(List<TimeBound> bounds, TimeBound bound) {
    if (!bounds.contains(bound)) {
      bounds.add(bound);
    }
  }

  private static TimeBound endpoint(Object value, boolean nanos, boolean upper) {
    if (value instanceof TimestampString ts) {
      return TimeBound.literal(ts.getMillisSinceEpoch());
    }
    long n = ((Number) value).longValue();
    return TimeBound.literal(nanos ? millisOfNanos(n, upper) : n);
  }

  private void like(RexCall call) {
    if (call.getOperands().size() != 2
        || !(call.getOperands().get(0) instanceof RexInputRef ref)
        || ref.getIndex() != metricColumn
        || !(call.getOperands().get(1) instanceof RexLiteral literal)) {
      return;
    }
    String pattern = literal.getValueAs(String.class);
    if (pattern == null) {
      return;
    }
    int wildcard = firstWildcard(pattern);
    if (wildcard < 0) {
      restrictMetrics(List.of(pattern));
    } else if (wildcard == pattern.length() - 1 && pattern.charAt(wildcard) == '%') {
      // A second prefix would only narrow what the filter above checks anyway.
      if (metrics == null && prefixes == null) {
        prefixes = List.of(pattern.substring(0, wildcard));
      }
    }
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '%' || c == '_') {
        return i;
      }
    }
    return -1;
  }

  private void restrictMetrics(List<String> names) {
    metrics = restrict(metrics, names);
  }

  /** A restriction narrows any earlier one: rows must satisfy every conjunct. */
  private static <T> List<T> restrict(List<T> known, List<T> wanted) {
    if (known == null) {
      return new ArrayList<>(wanted);
    }
    List<T> both = new ArrayList<>(known);
    both.retainAll(wanted);
    return both;
  }

  /** A bound on ts: a timestamp literal, a parameter, CURRENT_TIMESTAMP, +/- an interval. */
  private static TimeBound bound(RexNode node) {
    if (node instanceof RexLiteral lit) {
      Long millis = lit.getValueAs(Long.class);
      return millis == null ? null : TimeBound.literal(millis);
    }
    if (node instanceof RexDynamicParam param) {
      return TimeBound.parameter(param.getIndex());
    }
    if (node instanceof RexCall call) {
      if (call.getOperator() == SqlStdOperatorTable.CURRENT_TIMESTAMP
          || call.getOperator() == SqlStdOperatorTable.LOCALTIMESTAMP) {
        return TimeBound.currentTimestamp();
      }
      if ((call.getKind() == SqlKind.MINUS || call.getKind() == SqlKind.PLUS)
          && call.getOperands().size() == 2
          && call.getOperands().get(1) instanceof RexLiteral interval
          && interval.getType().getSqlTypeName().getFamily()
              == SqlTypeFamily.INTERVAL_DAY_TIME) {
        TimeBound base = bound(call.getOperands().get(0));
        Long millis = interval.getValueAs(Long.class);
        if (base == null || millis == null) {
          return null;
        }
        return base.plus(call.getKind() == SqlKind.MINUS ? -millis : millis);
      }
      if (call.getKind() == SqlKind.CAST) {
        return bound(call.getOperands().get(0));
      }
    }
    return null;
  }

  /** A bound on ts_ns, widened to whole milliseconds so the window still covers it. */
  private static TimeBound nanosBound(RexNode node) {
    if (node instanceof RexLiteral lit) {
      Long nanos = lit.getValueAs(Long.class);
      return nanos == null ? null : TimeBound.literal(Math.floorDiv(nanos, 1_000_000L));
    }
    return null;
  }

  private static long millisOfNanos(long nanos, boolean upper) {
    return upper ? Math.floorDiv(nanos, 1_000_000L) + 1 : Math.floorDiv(nanos, 1_000_000L);
  }
}
