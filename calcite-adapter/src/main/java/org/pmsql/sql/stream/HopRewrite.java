package org.pmsql.sql.stream;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.hint.HintPredicates;
import org.apache.calcite.rel.hint.HintStrategyTable;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.pmsql.sql.scan.RuleConfig;

/**
 * GROUP BY HOP(ts, slide, size) over a live stream: Calcite leaves a $HOP group key it cannot
 * compute, and a hop puts each row in size/slide windows, which no single key can say. Before
 * planning, the key becomes the start of the row's slide-long slot, and a hint on the aggregate
 * carries the hop's shape to {@link PcpStreamAggregate}, which adds the row to every window
 * covering its slot.
 */
public final class HopRewrite extends RelRule<RuleConfig> {
  static final String HINT = "pmsql_hop";
  static final String KEY = "key";
  static final String SLIDE = "slide";
  static final String SIZE = "size";

  public static final RelOptRule RULE = new RuleConfig(
      b -> b.operand(LogicalAggregate.class).predicate(a -> hint(a) == null)
          .oneInput(p -> p.operand(LogicalProject.class).anyInputs()),
      "PcpHopRewrite", HopRewrite::new).toRule();

  /**
   * The planner looks up every hint's strategy; pmsql's connections use no SQL hints (Calcite's
   * default, an empty table), so this one is all there is.
   */
  private static final HintStrategyTable STRATEGIES =
      HintStrategyTable.builder().hintStrategy(HINT, HintPredicates.AGGREGATE).build();

  private HopRewrite(RuleConfig config) {
    super(config);
  }

  /** The hop shape a rewritten aggregate carries, or null. */
  static RelHint hint(LogicalAggregate aggregate) {
    for (RelHint hint : aggregate.getHints()) {
      if (hint.hintName.equals(HINT)) {
        return hint;
      }
    }
    return null;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    LogicalProject project = call.rel(1);
    if (!StreamAggregateRule.readsLiveTable(project, new HashSet<>())) {
      return;
    }
    for (int key : aggregate.getGroupSet()) {
      if (project.getProjects().get(key) instanceof RexCall hop
          && hop.getOperator() == SqlStdOperatorTable.HOP_OLD
          && hop.getOperands().get(1) instanceof RexLiteral slide
          && hop.getOperands().get(2) instanceof RexLiteral size) {
        long slideMillis = slide.getValueAs(BigDecimal.class).longValue();
        long sizeMillis = size.getValueAs(BigDecimal.class).longValue();
        if (slideMillis <= 0 || sizeMillis % slideMillis != 0) {
          return;
        }
        RexBuilder rex = project.getCluster().getRexBuilder();
        List<RexNode> exprs = new ArrayList<>(project.getProjects());
        exprs.set(key, TumbleRewrite.windowStart(rex, hop.getOperands().get(0), slide,
            hop.getOperands().size() > 3 ? hop.getOperands().get(3) : null, hop.getType()));
        LogicalProject slots = project.copy(project.getTraitSet(), project.getInput(), exprs,
            project.getRowType());
        List<RelHint> hints = new ArrayList<>(aggregate.getHints());
        hints.add(RelHint.builder(HINT).hintOption(KEY, Integer.toString(key))
            .hintOption(SLIDE, Long.toString(slideMillis))
            .hintOption(SIZE, Long.toString(sizeMillis)).build());
        aggregate.getCluster().setHintStrategies(STRATEGIES);
        call.transformTo(LogicalAggregate.create(slots, hints, aggregate.getGroupSet(),
            aggregate.getGroupSets(), aggregate.getAggCallList()));
        return;
      }
    }
  }
}
