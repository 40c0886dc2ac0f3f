package org.pmsql.sql.asof;

import com.google.common.collect.ImmutableList;
import java.lang.reflect.Method;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AsofJoin;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;

/**
 * {@code ASOF JOIN ... MATCH_CONDITION (a.ts >= b.ts) [ON a.k = b.k]} and its LEFT form, run
 * by {@link AsofMerge} over both inputs in time order: each left row with the latest right row
 * at or before it (or, with {@code <=}, the earliest at or after it). Calcite's own ASOF join
 * paired each row with the earliest match and held both inputs in memory; this one holds one
 * row per key and works over streams and archives ordered by time alike.
 */
final class PcpAsofJoin extends AsofJoin implements EnumerableRel {
  private static final Method JOIN = Types.lookupMethod(AsofMerge.class, "join",
      Enumerable.class, Enumerable.class);

  private PcpAsofJoin(RelOptCluster cluster, RelTraitSet traits, RelNode left, RelNode right,
      RexNode condition, RexNode matchCondition, Set<CorrelationId> variablesSet,
      JoinRelType joinType) {
    super(cluster, traits, ImmutableList.of(), left, right, condition, matchCondition,
        variablesSet, joinType);
  }

  /** What the planner needs of an ASOF join's conditions, or why they cannot run. */
  record Shape(int leftTime, int rightTime, boolean lookBack, boolean inclusive, JoinInfo keys) {
    /**
     * @throws IllegalArgumentException naming what is not supported
     */
    static Shape of(AsofJoin join) {
      int leftWidth = join.getLeft().getRowType().getFieldCount();
      if (!(RexUtil.removeCast(join.getMatchCondition()) instanceof RexCall match)
          || match.getOperands().size() != 2
          || !(RexUtil.removeCast(match.getOperands().get(0)) instanceof RexInputRef a)
          || !(RexUtil.removeCast(match.getOperands().get(1)) instanceof RexInputRef b)) {
        throw new IllegalArgumentException("ASOF JOIN's MATCH_CONDITION must compare a column"
            + " of each side, such as MATCH_CONDITION (a.ts >= b.ts)");
      }
      SqlKind kind = match.getKind();
      if (a.getIndex() >= leftWidth) {
        RexInputRef swap = a;
        a = b;
        b = swap;
        kind = kind.reverse();
      }
      if (a.getIndex() >= leftWidth || b.getIndex() < leftWidth) {
        throw new IllegalArgumentException("ASOF JOIN's MATCH_CONDITION must compare a column"
            + " of the left side with one of the right side");
      }
      JoinInfo keys = JoinInfo.of(join.getLeft(), join.getRight(), join.getCondition());
      if (!keys.nonEquiConditions.isEmpty()) {
        throw new IllegalArgumentException("ASOF JOIN's ON condition may only equate columns"
            + " of the two sides (ON a.instance = b.instance AND ...), or be left out");
      }
      return switch (kind) {
        case GREATER_THAN_OR_EQUAL -> new Shape(a.getIndex(), b.getIndex() - leftWidth,
            true, true, keys);
        case GREATER_THAN -> new Shape(a.getIndex(), b.getIndex() - leftWidth, true, false,
            keys);
        case LESS_THAN_OR_EQUAL -> new Shape(a.getIndex(), b.getIndex() - leftWidth, false,
            true, keys);
        case LESS_THAN -> new Shape(a.getIndex(), b.getIndex() - leftWidth, false, false,
            keys);
        default -> throw new IllegalArgumentException("ASOF JOIN's MATCH_CONDITION compares"
            + " with >=, >, <= or <, not " + match.getOperator().getName());
      };
    }
  }

  /**
   * The join over inputs ordered by their match columns, as the merge needs them: a metrics
   * table or stream read in time order as it is, anything else sorted first.
   */
  static PcpAsofJoin create(AsofJoin join, RelNode left, RelNode right, Shape shape) {
    RelTraitSet enumerable = join.getCluster().traitSetOf(EnumerableConvention.INSTANCE);
    RelNode orderedLeft = ordered(left, shape.leftTime(), enumerable);
    RelNode orderedRight = ordered(right, shape.rightTime(), enumerable);
    RelTraitSet traits = shape.lookBack()
        ? enumerable.replace(RelCollations.of(shape.leftTime())) : enumerable;
    return new PcpAsofJoin(join.getCluster(), traits, orderedLeft, orderedRight,
        join.getCondition(), join.getMatchCondition(), join.getVariablesSet(),
        join.getJoinType());
  }

  private static RelNode ordered(RelNode input, int column, RelTraitSet enumerable) {
    return RelOptRule.convert(input, TimeOrder.isOrderedBy(input, column) ? enumerable
        : enumerable.replace(RelCollations.of(column)));
  }

  @Override
  public Join copy(RelTraitSet traitSet, RexNode condition, RelNode left, RelNode right,
      JoinRelType joinType, boolean semiJoinDone) {
    return new PcpAsofJoin(getCluster(), traitSet, left, right, condition, matchCondition,
        variablesSet, joinType);
  }

  /** A merge: each input read once, a row per key held. */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    return planner.getCostFactory().makeCost(
        mq.getRowCount(getLeft()) + mq.getRowCount(getRight()), 0, 0);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result left = implementor.visitChild(this, 0, (EnumerableRel) getLeft(), Prefer.ARRAY);
    Result right = implementor.visitChild(this, 1, (EnumerableRel) getRight(), Prefer.ARRAY);
    Expression leftRows = left.physType.convertTo(builder.append("left", left.block),
        JavaRowFormat.ARRAY);
    Expression rightRows = right.physType.convertTo(builder.append("right", right.block),
        JavaRowFormat.ARRAY);
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        JavaRowFormat.ARRAY, false);
    Shape shape = Shape.of(this);
    AsofMerge merge = new AsofMerge(shape.keys().leftKeys, shape.keys().rightKeys,
        shape.leftTime(), shape.rightTime(), shape.lookBack(), shape.inclusive(),
        joinType == JoinRelType.LEFT_ASOF, getRight().getRowType().getFieldCount());
    builder.add(Expressions.return_(null, Expressions.call(
        implementor.stash(merge, AsofMerge.class), JOIN, leftRows, rightRows)));
    return implementor.result(physType, builder.toBlock());
  }
}
