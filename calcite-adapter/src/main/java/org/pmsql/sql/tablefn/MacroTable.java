package org.pmsql.sql.tablefn;

import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/** A table a macro made (interpolate(...), latest(...)), scanned by {@link MacroTableScan}. */
public abstract class MacroTable extends AbstractTable implements TranslatableTable {
  /** The rows, computed when the query runs; called by generated code. */
  public abstract Enumerable<Object[]> rows(DataContext root);

  @Override
  public final RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new MacroTableScan(context.getCluster(), relOptTable, this);
  }
}
