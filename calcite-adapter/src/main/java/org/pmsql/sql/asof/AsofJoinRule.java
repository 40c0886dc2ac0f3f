package org.pmsql.sql.asof;

import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.logical.LogicalAsofJoin;
import org.pmsql.sql.scan.RuleConfig;

/**
 * ASOF joins run as a merge over time-ordered inputs: a logical ASOF join becomes a {@link
 * PcpAsofJoin}, or fails saying what it cannot do.
 */
public final class AsofJoinRule extends RelRule<RuleConfig> {
  public static final RelOptRule INSTANCE = new RuleConfig(
      b -> b.operand(LogicalAsofJoin.class).anyInputs(), "PcpAsofJoinRule",
      AsofJoinRule::new).toRule();

  private AsofJoinRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAsofJoin join = call.rel(0);
    call.transformTo(PcpAsofJoin.create(join, join.getLeft(), join.getRight(),
        PcpAsofJoin.Shape.of(join)));
  }
}
