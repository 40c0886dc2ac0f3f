package org.pmsql.sql;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
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
public final class MacroTableScan extends TableScan implements EnumerableRel {
  /** A macro's table: its rows, computed when the query runs. */
  public interface Rows {
    Enumerable<Object[]> rows(DataContext root);
  }

  private final Rows table;

  MacroTableScan(RelOptCluster cluster, RelOptTable relOptTable, Rows table) {
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
        implementor.stash(table, Rows.class), "rows", implementor.getRootExpression())));
  }
}
