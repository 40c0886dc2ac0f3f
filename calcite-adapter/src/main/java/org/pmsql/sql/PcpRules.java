package org.pmsql.sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalAsofJoin;
import org.apache.calcite.rel.hint.RelHint;
import org.apache.calcite.rel.stream.Delta;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.RelBuilderFactory;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mapping;
import org.apache.calcite.util.mapping.MappingType;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Planner rules that push work into a {@link PcpTableScan}: filter conjuncts on time and metric
 * become the scan's window and metric set (the filter stays above, so pushing only prunes), and
 * projections become the scan's column list, so unused columns are never decoded.
 */
final class PcpRules {
  static final List<RelOptRule> RULES = List.of(
      new RuleConfig(b -> b.operand(Filter.class).oneInput(
          s -> s.operand(PcpTableScan.class).noInputs()), "PcpFilterRule", FilterRule::new)
          .toRule(),
      new RuleConfig(b -> b.operand(Project.class).oneInput(
          s -> s.operand(PcpTableScan.class).noInputs()), "PcpProjectRule", ProjectRule::new)
          .toRule(),
      new RuleConfig(b -> b.operand(Project.class).oneInput(f -> f.operand(Filter.class)
          .oneInput(s -> s.operand(PcpTableScan.class).noInputs())),
          "PcpProjectFilterRule", ProjectRule::new).toRule(),
      new RuleConfig(b -> b.operand(Aggregate.class).oneInput(
          s -> s.operand(PcpTableScan.class).noInputs()), "PcpAggregateRule", AggregateRule::new)
          .toRule());

  /** GROUP BY over a live stream, ordered by a group key: emitted window by window. */
  static final RelOptRule STREAM_AGGREGATE = new RuleConfig(
      b -> b.operand(LogicalAggregate.class).anyInputs(), "PcpStreamAggregateRule",
      StreamAggregateRule::new).toRule();

  /** ASOF joins, run as a merge over time-ordered inputs ({@link PcpAsofJoin}). */
  static final RelOptRule ASOF_JOIN = new RuleConfig(
      b -> b.operand(LogicalAsofJoin.class).anyInputs(), "PcpAsofJoinRule",
      AsofJoinRule::new).toRule();

  private PcpRules() {}

  /**
   * The scan columns a parent uses, or null when it uses them all (nothing to narrow). A parent
   * that uses none, such as count(*), still needs a row per value: the cheapest column gives it.
   */
  private static ImmutableBitSet narrowed(ImmutableBitSet used, int[] scanColumns) {
    if (used.cardinality() == scanColumns.length) {
      return null;
    }
    if (!used.isEmpty()) {
      return used;
    }
    for (int i = 0; i < scanColumns.length; i++) {
      if (scanColumns[i] == MetricRows.TS_NS) {
        return ImmutableBitSet.of(i);
      }
    }
    return ImmutableBitSet.of(0);
  }

  /** A rule configuration without the annotation processor Calcite's own rules use. */
  record RuleConfig(RelRule.OperandTransform operandSupplier, String description,
      Function<RuleConfig, RelOptRule> factory, RelBuilderFactory relBuilderFactory)
      implements RelRule.Config {
    RuleConfig(RelRule.OperandTransform operands, String description,
        Function<RuleConfig, RelOptRule> factory) {
      this(operands, description, factory, RelFactories.LOGICAL_BUILDER);
    }

    @Override
    public RelOptRule toRule() {
      return factory.apply(this);
    }

    @Override
    public RuleConfig withRelBuilderFactory(RelBuilderFactory f) {
      return new RuleConfig(operandSupplier, description, factory, f);
    }

    @Override
    public RuleConfig withDescription(String d) {
      return new RuleConfig(operandSupplier, d, factory, relBuilderFactory);
    }

    @Override
    public RuleConfig withOperandSupplier(RelRule.OperandTransform t) {
      return new RuleConfig(t, description, factory, relBuilderFactory);
    }
  }

  /** Filter on a scan: the scan learns the window and metrics, the filter stays. */
  static final class FilterRule extends RelRule<RuleConfig> {
    FilterRule(RuleConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      Filter filter = call.rel(0);
      PcpTableScan scan = call.rel(1);
      ScanSpec spec = new PcpFilterTranslator(scan).translate(filter.getCondition(),
          scan.spec.fields);
      if (!spec.equals(scan.spec)) {
        call.transformTo(filter.copy(filter.getTraitSet(), scan.with(spec),
            filter.getCondition()));
      }
    }
  }

  /**
   * Aggregate straight on a scan (count(*), sum(val) with nothing else): a projection of the
   * columns it uses is put between them, which {@link ProjectRule} then pushes into the scan.
   */
  static final class AggregateRule extends RelRule<RuleConfig> {
    AggregateRule(RuleConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      Aggregate aggregate = call.rel(0);
      PcpTableScan scan = call.rel(1);
      ImmutableBitSet.Builder used = ImmutableBitSet.builder().addAll(aggregate.getGroupSet());
      for (AggregateCall c : aggregate.getAggCallList()) {
        used.addAll(c.getArgList());
        if (c.filterArg >= 0) {
          used.set(c.filterArg);
        }
      }
      int[] scanColumns = PcpFilterTranslator.scanColumns(scan);
      ImmutableBitSet columns = narrowed(used.build(), scanColumns);
      if (columns == null) {
        return;
      }
      Mapping mapping = Mappings.create(MappingType.INVERSE_SURJECTION,
          scanColumns.length, columns.cardinality());
      List<RexNode> refs = new ArrayList<>();
      for (int c : columns) {
        mapping.set(c, refs.size());
        refs.add(RexInputRef.of(c, scan.getRowType()));
      }
      RelBuilder builder = call.builder().push(scan).project(refs);
      List<AggregateCall> calls = new ArrayList<>();
      for (AggregateCall c : aggregate.getAggCallList()) {
        calls.add(c.transform(mapping));
      }
      // the grouping sets too: count(*) beside count(DISTINCT x) is a grand total computed
      // over GROUPING SETS ((x), ()), and leaving them out lost that total
      call.transformTo(aggregate.copy(aggregate.getTraitSet(), builder.build(),
          Mappings.apply(mapping, aggregate.getGroupSet()),
          Mappings.apply2(mapping, aggregate.getGroupSets()), calls));
    }
  }

  /**
   * Project (optionally over a filter) on a scan: the scan produces only the columns either
   * uses, and their references are renumbered.
   */
  static final class ProjectRule extends RelRule<RuleConfig> {
    ProjectRule(RuleConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      Project project = call.rel(0);
      Filter filter = call.rels.length == 3 ? call.rel(1) : null;
      PcpTableScan scan = call.rel(call.rels.length - 1);
      ImmutableBitSet.Builder used = ImmutableBitSet.builder();
      used.addAll(RelOptUtil.InputFinder.bits(project.getProjects(), null));
      if (filter != null) {
        used.addAll(RelOptUtil.InputFinder.bits(filter.getCondition()));
      }
      int[] scanColumns = PcpFilterTranslator.scanColumns(scan);
      ImmutableBitSet columns = narrowed(used.build(), scanColumns);
      if (columns == null) {
        return;
      }
      int[] fields = new int[columns.cardinality()];
      int[] renumber = new int[scanColumns.length];
      int next = 0;
      for (int c : columns) {
        renumber[c] = next;
        fields[next++] = scanColumns[c];
      }
      RexShuttle shuttle = new RexShuttle() {
        @Override
        public RexNode visitInputRef(RexInputRef ref) {
          return new RexInputRef(renumber[ref.getIndex()], ref.getType());
        }
      };
      RelNode input = scan.with(scan.spec.withFields(fields));
      if (filter != null) {
        input = filter.copy(filter.getTraitSet(), input, filter.getCondition().accept(shuttle));
      }
      List<RexNode> projects = new ArrayList<>();
      for (RexNode p : project.getProjects()) {
        projects.add(p.accept(shuttle));
      }
      call.transformTo(project.copy(project.getTraitSet(), input, projects,
          project.getRowType()));
    }
  }

  /** A logical ASOF join becomes a {@link PcpAsofJoin}, or fails saying what it cannot do. */
  static final class AsofJoinRule extends RelRule<RuleConfig> {
    AsofJoinRule(RuleConfig config) {
      super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
      LogicalAsofJoin join = call.rel(0);
      call.transformTo(PcpAsofJoin.create(join, join.getLeft(), join.getRight(),
          PcpAsofJoin.Shape.of(join)));
    }
  }

  /**
   * Replaces an aggregate over a live stream with {@link PcpStreamAggregate}: one of its group
   * keys orders the input (ts, or a monotonic function of it such as FLOOR(ts TO MINUTE)).
   */
  static final class StreamAggregateRule extends RelRule<RuleConfig> {
    StreamAggregateRule(RuleConfig config) {
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
}
