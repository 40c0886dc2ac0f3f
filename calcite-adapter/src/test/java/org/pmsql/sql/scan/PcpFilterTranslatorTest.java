package org.pmsql.sql.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.TimestampString;
import org.junit.jupiter.api.Test;
import org.pmsql.sql.PcpTypeSystem;

/**
 * Conditions become what a scan reads: a pushed bound may be loose, never tighter than the
 * condition (the filter above the scan checks every row again, but rows the scan never reads are
 * lost), and a condition the scan cannot honour whole is not pushed at all.
 */
class PcpFilterTranslatorTest {
  private static final JavaTypeFactoryImpl TYPES = new JavaTypeFactoryImpl(PcpTypeSystem.INSTANCE);
  private static final RexBuilder REX = new RexBuilder(TYPES);
  private static final int[] LONG_TABLE = MetricColumn.ofTable(null);
  private static final RelDataType ROW = MetricColumn.rowType(TYPES, LONG_TABLE);

  private static RexNode column(MetricColumn c) {
    return REX.makeInputRef(ROW, c.number());
  }

  private static RexNode text(String s) {
    return REX.makeLiteral(s);
  }

  private static RexNode call(org.apache.calcite.sql.SqlOperator op, RexNode... operands) {
    return REX.makeCall(op, operands);
  }

  private static ScanSpec translate(RexNode... conditions) {
    return new PcpFilterTranslator(LONG_TABLE, ScanSpec.ALL).translate(List.of(conditions), null);
  }

  private static RexNode nanos(long n) {
    return REX.makeExactLiteral(BigDecimal.valueOf(n), TYPES.createSqlType(SqlTypeName.BIGINT));
  }

  @Test
  void metricAndTimeConjunctsArePushed() {
    RexNode ts = REX.makeTimestampLiteral(new TimestampString("2018-01-01 15:00:00"), 3);
    ScanSpec spec = translate(call(SqlStdOperatorTable.AND,
        call(SqlStdOperatorTable.EQUALS, column(MetricColumn.METRIC), text("kernel.all.load")),
        call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, column(MetricColumn.TS), ts)));
    assertEquals(List.of("kernel.all.load"), spec.metrics);
    assertEquals(List.of(TimeBound.literal(1514818800000L)), spec.lower);
    assertEquals(List.of(), spec.upper);
    assertEquals("ts>=[L1514818800000@0], metric IN [kernel.all.load]", spec.toString());
  }

  @Test
  void aDisjunctionWithAnotherColumnIsNotPushed() {
    ScanSpec spec = translate(call(SqlStdOperatorTable.OR,
        call(SqlStdOperatorTable.EQUALS, column(MetricColumn.METRIC), text("kernel.all.load")),
        call(SqlStdOperatorTable.GREATER_THAN, column(MetricColumn.VAL),
            REX.makeApproxLiteral(BigDecimal.ONE))));
    assertNull(spec.metrics);
    assertEquals("all", spec.toString());
  }

  @Test
  void anInListOfMetricsIsPushedAndConjunctsNarrowIt() {
    // simplified as the planner hands them over: SEARCH with a set of points
    RexSimplify simplify = new RexSimplify(REX, RelOptPredicateList.EMPTY, RexUtil.EXECUTOR);
    RexNode in = simplify.simplify(REX.makeIn(column(MetricColumn.METRIC),
        List.of(text("a.b"), text("c.d"), text("e.f"))));
    RexNode notE = simplify.simplify(REX.makeIn(column(MetricColumn.METRIC),
        List.of(text("a.b"), text("c.d"))));
    assertEquals(List.of("a.b", "c.d", "e.f"), translate(in).metrics);
    assertEquals(List.of("a.b", "c.d"), translate(in, notE).metrics);
  }

  @Test
  void onlyATrailingPercentBecomesAPrefix() {
    RexNode prefix = call(SqlStdOperatorTable.LIKE, column(MetricColumn.METRIC), text("kernel.%"));
    assertEquals(List.of("kernel."), translate(prefix).prefixes);
    RexNode inner = call(SqlStdOperatorTable.LIKE, column(MetricColumn.METRIC), text("ker_el.%"));
    assertNull(translate(inner).prefixes);
    assertNull(translate(inner).metrics);
    RexNode exact = call(SqlStdOperatorTable.LIKE, column(MetricColumn.METRIC), text("disk.dev"));
    assertEquals(List.of("disk.dev"), translate(exact).metrics);
  }

  @Test
  void nanosecondBoundsWidenToWholeMillisecondsThatStillCoverThem() {
    SplittableRandom random = new SplittableRandom(16);
    for (int i = 0; i < 2_000; i++) {
      long n = i < 4 ? new long[] {0, -1, 999_999, -1_000_000}[i]
          : random.nextLong(-4_000_000_000_000_000_000L, 4_000_000_000_000_000_000L);
      long[] atLeast = translate(call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL,
          column(MetricColumn.TS_NS), nanos(n))).window(null);
      long[] atMost = translate(call(SqlStdOperatorTable.LESS_THAN_OR_EQUAL,
          column(MetricColumn.TS_NS), nanos(n))).window(null);
      long[] between = translate(REX.makeBetween(column(MetricColumn.TS_NS), nanos(n),
          nanos(n))).window(null);
      assertTrue(atLeast[0] <= n && atLeast[0] > n - 1_000_000, "ts_ns >= " + n);
      assertTrue(atMost[1] >= n && atMost[1] < n + 1_000_000, "ts_ns <= " + n);
      assertTrue(between[0] <= n && between[1] >= n, "ts_ns BETWEEN " + n + " AND " + n);
    }
  }

  @Test
  void columnsAreFoundWhereverTheScanPutsThem() {
    int[] projected = {MetricColumn.VAL.number(), MetricColumn.INSTANCE.number(),
        MetricColumn.INST.number()};
    RelDataType row = MetricColumn.rowType(TYPES, projected);
    ScanSpec spec = new PcpFilterTranslator(projected, ScanSpec.of("disk.dev.read"))
        .translate(List.of(call(SqlStdOperatorTable.EQUALS, REX.makeInputRef(row, 1),
            text("sda")), call(SqlStdOperatorTable.EQUALS, REX.makeInputRef(row, 2),
            REX.makeExactLiteral(BigDecimal.valueOf(3))),
            call(SqlStdOperatorTable.EQUALS, REX.makeInputRef(row, 0),
                REX.makeApproxLiteral(BigDecimal.TEN))), projected);
    assertEquals(List.of("disk.dev.read"), spec.metrics);
    assertEquals(List.of("sda"), spec.instances);
    assertEquals(List.of(3), spec.insts);
    assertEquals(List.of(), spec.lower);
  }
}
