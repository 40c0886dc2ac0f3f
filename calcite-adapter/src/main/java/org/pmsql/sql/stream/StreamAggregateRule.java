package org.pmsql.sql.stream;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.sql.scan.RuleConfig;

/**
 * Replaces an aggregate over a live stream with {@link PcpStreamAggregate}: one of its group
 * keys orders the input (ts, or a monotonic function of it such as FLOOR(ts TO MINUTE)).
 */
public final class StreamAggregateRule extends RelRule<RuleConfig> {
  /** GROUP BY over a live stream, ordered by a group key: emitted window by window. */
  public static final RelOptRule INSTANCE = new RuleConfig(
      b -> b.operand(LogicalAggregate.class).anyInputs(), "PcpStreamAggregateRule",
      StreamAggregateRule::new).toRule();

  private StreamAggregateRule(RuleConfig config) {
    super(config);
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    RelNode input = aggregate.getInput();
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE || aggregate.getGroupCount() == 0
        || !readsLiveStream(input, new HashSet<>())) {
      return;
    }
    for (AggregateCall aggCall : aggregate.getAggCallList()) {
      if (PcpStreamAggregate.call(aggCall) == null) {
        return;
      }
    }
    RelTraitSet enumerable = aggregate.getTraitSet().replace(EnumerableConvention.INSTANCE);
    RelHint hop = HopRewrite.hint(aggregate);
    if (hop != null) {
      call.transformTo(new PcpStreamAggregate(aggregate.getCluster(), enumerable,
          convert(input, input.getTraitSet().replace(EnumerableConvention.INSTANCE)
              .replace(RelCollations.EMPTY)),
          aggregate.getGroupSet(), aggregate.getAggCallList(),
          Integer.parseInt(hop.kvOptions.get(HopRewrite.KEY)),
          Long.parseLong(hop.kvOptions.get(HopRewrite.SLIDE)),
          Long.parseLong(hop.kvOptions.get(HopRewrite.SIZE))));
      return;
    }
    Integer window = null;
    for (RelCollation collation : call.getMetadataQuery().collations(input)) {
      List<RelFieldCollation> fields = collation.getFieldCollations();
      if (!fields.isEmpty() && aggregate.getGroupSet().get(fields.get(0).getFieldIndex())) {
        window = fields.get(0).getFieldIndex();
      }
    }
    if (window == null) {
      // Calcite's collation metadata does not see through every monotonic expression (a
      // projected-away ts, ts_ns / n); the validator has already insisted on one, so take the
      // first time-like key. WindowAggregation checks at run time that it never goes back.
      for (int key : aggregate.getGroupSet()) {
        SqlTypeName type = input.getRowType().getFieldList().get(key).getType().getSqlTypeName();
        if (type == SqlTypeName.TIMESTAMP || type == SqlTypeName.BIGINT) {
          window = key;
          break;
        }
      }
    }
    if (window == null) {
      return;
    }
    call.transformTo(new PcpStreamAggregate(aggregate.getCluster(), enumerable,
        // the stream is in time order by nature; demanding the collation as a physical
        // trait would leave no implementation that can promise it
        convert(input, input.getTraitSet().replace(EnumerableConvention.INSTANCE)
            .replace(RelCollations.EMPTY)),
        aggregate.getGroupSet(), aggregate.getAggCallList(), window, 0, 0));
  }

  /** Whether any equivalent of {@code rel} streams a pmsql live table. */
  private static boolean readsLiveStream(RelNode rel, Set<RelNode> seen) {
    if (!seen.add(rel)) {
      return false;
    }
    if (rel instanceof RelSubset subset) {
      for (RelNode equivalent : subset.getRelList()) {
        if (readsLiveStream(equivalent, seen)) {
          return true;
        }
      }
      return false;
    }
    if (rel instanceof Delta || rel instanceof TableScan) {
      return readsLiveTable(rel, new HashSet<>());
    }
    for (RelNode input : rel.getInputs()) {
      if (readsLiveStream(input, seen)) {
        return true;
      }
    }
    return false;
  }

  static boolean readsLiveTable(RelNode rel, Set<RelNode> seen) {
    if (!seen.add(rel)) {
      return false;
    }
    if (rel instanceof TableScan scan) {
      return scan.getTable().unwrap(LiveTable.class) != null
          || scan.getTable().unwrap(LiveTable.Stream.class) != null;
    }
    List<RelNode> next = rel instanceof RelSubset subset ? subset.getRelList()
        : rel instanceof HepRelVertex vertex ? List.of(vertex.getCurrentRel())
        : rel.getInputs();
    for (RelNode input : next) {
      if (readsLiveTable(input, seen)) {
        return true;
      }
    }
    return false;
  }
}
