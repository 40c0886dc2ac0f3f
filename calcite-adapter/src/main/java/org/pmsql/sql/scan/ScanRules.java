package org.pmsql.sql.scan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mapping;
import org.apache.calcite.util.mapping.MappingType;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Planner rules that push work into a {@link PcpTableScan}: filter conjuncts on time and metric
 * become the scan's window and metric set (the filter stays above, so pushing only prunes), and
 * projections become the scan's column list, so unused columns are never decoded.
 */
public final class ScanRules {
  public static final List<RelOptRule> RULES = List.of(
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

  private ScanRules() {}

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
      if (scanColumns[i] == MetricColumn.TS_NS.number()) {
        return ImmutableBitSet.of(i);
      }
    }
    return ImmutableBitSet.of(0);
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


}
