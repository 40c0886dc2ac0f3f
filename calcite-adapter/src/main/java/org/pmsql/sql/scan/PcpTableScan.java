package org.pmsql.sql.scan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelCollation;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;

/**
 * A scan of a {@link MetricsTable} carrying the time window, metrics and columns pushed into it
 * by {@link ScanRules}; it runs as generated code calling {@link MetricsTable#scan}.
 */
public final class PcpTableScan extends TableScan implements EnumerableRel {
  final MetricsTable metricsTable;
  final ScanSpec spec;

  PcpTableScan(RelOptCluster cluster, RelOptTable table, MetricsTable metricsTable,
      ScanSpec spec) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE).replaceIfs(
        RelCollationTraitDef.INSTANCE, () -> timeOrder(metricsTable, spec)), List.of(), table);
    this.metricsTable = metricsTable;
    this.spec = spec;
  }

  /**
   * Rows come in time order: the columns ts and ts_ns, wherever the scan puts them, are each
   * sorted, so ORDER BY ts and merges over time (ASOF joins, windows) need no sort.
   */
  private static List<RelCollation> timeOrder(MetricsTable table, ScanSpec spec) {
    int[] fields = spec.fields != null ? spec.fields : table.columns();
    List<RelCollation> sorted = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      if (MetricColumn.of(fields[i]).isTime()) {
        sorted.add(RelCollations.of(i));
      }
    }
    return sorted.isEmpty() ? List.of(RelCollations.EMPTY) : sorted;
  }

  PcpTableScan with(ScanSpec newSpec) {
    return new PcpTableScan(getCluster(), getTable(), metricsTable, newSpec);
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public RelWriter explainTerms(RelWriter pw) {
    return super.explainTerms(pw).item("pushed", spec.toString())
        .itemIf("columns", getRowType().getFieldNames(), spec.fields != null);
  }

  @Override
  public RelDataType deriveRowType() {
    RelDataType full = table.getRowType();
    if (spec.fields == null) {
      return full;
    }
    RelDataTypeFactory.Builder b = getCluster().getTypeFactory().builder();
    int[] columns = metricsTable.columns();
    for (int field : spec.fields) {
      for (int i = 0; i < columns.length; i++) {
        if (columns[i] == field) {
          RelDataTypeField f = full.getFieldList().get(i);
          b.add(f.getName(), f.getType());
        }
      }
    }
    return b.build();
  }

  /**
   * Cheaper the more is pushed, so the planner prefers the narrowest scan: a bounded window, a
   * named metric set, named instances and fewer columns each cut the work of reading archives.
   */
  @Override
  public RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
    double factor = 1.0;
    if (!spec.lower.isEmpty()) {
      factor *= 0.25;
    }
    if (!spec.upper.isEmpty()) {
      factor *= 0.25;
    }
    if (spec.metrics != null || spec.prefixes != null) {
      factor *= 0.1;
    }
    if (spec.insts != null || spec.instances != null) {
      factor *= 0.5;
    }
    if (spec.fields != null) {
      factor *= (spec.fields.length + 2.0) / (MetricColumn.values().length + 2.0);
    }
    return super.computeSelfCost(planner, mq).multiplyBy(factor);
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType =
        PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), pref.preferArray());
    return implementor.result(physType, Blocks.toBlock(
        Expressions.call(table.getExpression(MetricsTable.class), "scan",
            implementor.getRootExpression(), implementor.stash(spec, ScanSpec.class))));
  }
}
