package org.pmsql.sql.tablefn;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;

/**
 * The scan of a table a macro made (interpolate(...), latest(...)). Such a table has no place
 * in a schema that generated code could name, so the table object itself is stashed for the
 * generated code to call.
 */
final class MacroTableScan extends TableScan implements EnumerableRel {
  private final MacroTable table;

  MacroTableScan(RelOptCluster cluster, RelOptTable relOptTable, MacroTable table) {
    super(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), List.of(), relOptTable);
    this.table = table;
  }

  @Override
  public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
    return this;
  }

  @Override
  public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
    PhysType physType =
        PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), pref.preferArray());
    return implementor.result(physType, Blocks.toBlock(Expressions.call(
        implementor.stash(table, MacroTable.class), "rows", implementor.getRootExpression())));
  }
}
