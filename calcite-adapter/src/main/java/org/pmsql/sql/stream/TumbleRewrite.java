package org.pmsql.sql.stream;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.sql.scan.RuleConfig;

/**
 * Makes {@code GROUP BY TUMBLE(ts, INTERVAL ...)} run: Calcite validates and plans it but has
 * no code for the {@code $TUMBLE} group key it leaves in a projection. This rewrites that key
 * into arithmetic it can generate, the window's start: {@code ts - MOD(ts - align, size)} on
 * the timestamp's milliseconds. Applied to the logical plan before Calcite's own optimisation.
 */
public final class TumbleRewrite extends RelRule<RuleConfig> {
  public static final RelOptRule RULE = new RuleConfig(
      b -> b.operand(LogicalProject.class).predicate(TumbleRewrite::hasTumble).anyInputs(),
      "PcpTumbleRewrite", TumbleRewrite::new).toRule();

  private TumbleRewrite(RuleConfig config) {
    super(config);
  }

  private static boolean hasTumble(LogicalProject project) {
    return RexUtil.find(SqlKind.TUMBLE).inProject(project);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalProject project = call.rel(0);
    RexBuilder rex = project.getCluster().getRexBuilder();
    List<RexNode> exprs = new RexShuttle() {
      @Override
      public RexNode visitCall(RexCall tumble) {
        if (tumble.getOperator() != SqlStdOperatorTable.TUMBLE_OLD) {
          return super.visitCall(tumble);
        }
        return windowStart(rex, tumble);
      }
    }.apply(project.getProjects());
    call.transformTo(project.copy(project.getTraitSet(), project.getInput(), exprs,
        project.getRowType()));
  }

  private static RexNode windowStart(RexBuilder rex, RexCall tumble) {
    List<RexNode> operands = tumble.getOperands();
    return windowStart(rex, operands.get(0), operands.get(1),
        operands.size() > 2 ? operands.get(2) : null, tumble.getType());
  }

  /**
   * The start of the {@code size}-long window (aligned to {@code align}, or to the epoch when
   * null) that timestamp {@code ts} falls in, as arithmetic on milliseconds.
   */
  static RexNode windowStart(RexBuilder rex, RexNode ts, RexNode size, RexNode align,
      RelDataType type) {
    RelDataType bigint = rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
    RexNode noOverflowCheck = rex.makeLiteral(false);
    RexNode millis = rex.makeReinterpretCast(bigint, ts, noOverflowCheck);
    RexNode sizeMillis = rex.makeReinterpretCast(bigint, size, noOverflowCheck);
    RexNode alignMillis = align != null
        ? rex.makeReinterpretCast(bigint, align, noOverflowCheck)
        : rex.makeExactLiteral(BigDecimal.ZERO, bigint);
    RexNode offset = rex.makeCall(SqlStdOperatorTable.MOD,
        rex.makeCall(SqlStdOperatorTable.MINUS, millis, alignMillis), sizeMillis);
    RexNode start = rex.makeCall(SqlStdOperatorTable.MINUS, millis, offset);
    return rex.makeReinterpretCast(type, start, noOverflowCheck);
  }
}
