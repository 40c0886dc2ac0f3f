package org.pmsql.sql.stream;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedAggFunction;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * GROUP BY over a live stream whose input is ordered by one of the group keys (the window):
 * each window's groups are emitted when the next window begins, where Calcite's hash aggregate
 * would wait for the end of an endless input. See {@link WindowAggregation}.
 */
final class PcpStreamAggregate extends Aggregate implements EnumerableRel {
  private static final Method OVER =
      Types.lookupMethod(WindowAggregation.class, "over", Enumerable.class);

  private final int windowKey;
  private final long hopSlideMillis;
  private final long hopSizeMillis;
  private final WindowAggregation aggregation;

  /**
   * @param windowKey the input column of the window; with HOP (a non-zero size) it holds the
   *     start of the row's slide-long slot
   */
  PcpStreamAggregate(RelOptCluster cluster, RelTraitSet traits, RelNode input,
      ImmutableBitSet groupSet, List<AggregateCall> aggCalls, int windowKey,
      long hopSlideMillis, long hopSizeMillis) {
    super(cluster, traits, List.of(), input, groupSet, null, aggCalls);
    this.windowKey = windowKey;
    this.hopSlideMillis = hopSlideMillis;
    this.hopSizeMillis = hopSizeMillis;
    List<WindowAggregation.Call> calls = new ArrayList<>();
    for (AggregateCall call : aggCalls) {
      calls.add(call(call));
    }
    this.aggregation = new WindowAggregation(windowKey, groupSet.toArray(), calls,
        hopSlideMillis, hopSizeMillis);
  }

  /** What this operator computes for an aggregate call, or null when it cannot. */
  static WindowAggregation.Call call(AggregateCall call) {
    if (call.isDistinct() || call.filterArg >= 0 || call.isApproximate()
        || !call.collation.getFieldCollations().isEmpty()) {
      return null;
    }
    if (call.getAggregation() instanceof SqlUserDefinedAggFunction user
        && user.function instanceof AggregateFunctionImpl function) {
      return new WindowAggregation.Call(WindowAggregation.Function.USER, -1, false, false,
          UserAggregate.of(function, call.getArgList()));
    }
    if (call.getArgList().size() > 1) {
      return null;
    }
    WindowAggregation.Function function;
    switch (call.getAggregation().getKind()) {
      case COUNT -> function = WindowAggregation.Function.COUNT;
      case SUM -> function = WindowAggregation.Function.SUM;
      case SUM0 -> function = WindowAggregation.Function.SUM0;
      case MIN -> function = WindowAggregation.Function.MIN;
      case MAX -> function = WindowAggregation.Function.MAX;
      case AVG -> function = WindowAggregation.Function.AVG;
      default -> {
        return null;
      }
    }
    SqlTypeName type = call.getType().getSqlTypeName();
    boolean sums = function == WindowAggregation.Function.SUM
        || function == WindowAggregation.Function.SUM0;
    if (sums && type != SqlTypeName.BIGINT && type != SqlTypeName.DOUBLE
        && type != SqlTypeName.DECIMAL
        || function == WindowAggregation.Function.AVG && type != SqlTypeName.DOUBLE) {
      return null;
    }
    int argument = call.getArgList().isEmpty() ? -1 : call.getArgList().get(0);
    return new WindowAggregation.Call(function, argument, type == SqlTypeName.DECIMAL,
        type == SqlTypeName.BIGINT, null);
  }

  @Override
  public Aggregate copy(RelTraitSet traitSet, RelNode input, ImmutableBitSet groupSet,
      List<ImmutableBitSet> groupSets, List<AggregateCall> aggCalls) {
    return new PcpStreamAggregate(getCluster(), traitSet, input, groupSet, aggCalls, windowKey,
        hopSlideMillis, hopSizeMillis);
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("window", windowKey)
        .itemIf("hop", hopSlideMillis + "/" + hopSizeMillis + "ms", hopSizeMillis > 0);
  }

  /** Holds open windows, not the whole input, and emits as it goes: far cheaper over a stream. */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    RelOptCost cost = super.computeSelfCost(planner, mq);
    return cost == null ? null : cost.multiplyBy(0.01);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    BlockBuilder builder = new BlockBuilder();
    Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
    Expression rows = input.physType.convertTo(builder.append("input", input.block),
        JavaRowFormat.ARRAY);
    PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(),
        JavaRowFormat.ARRAY, false);
    builder.add(Expressions.return_(null, Expressions.call(
        implementor.stash(aggregation, WindowAggregation.class), OVER, rows)));
    return implementor.result(physType, builder.toBlock());
  }
}
