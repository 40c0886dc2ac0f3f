package org.pmsql.sql.asof;

import org.apache.calcite.plan.hep.HepRelVertex;
import org.apache.calcite.plan.volcano.RelSubset;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.pmsql.sql.scan.MetricColumn;
import org.pmsql.sql.scan.PcpFilterTranslator;
import org.pmsql.sql.scan.PcpTableScan;
import org.pmsql.sql.stream.LiveTable;

/**
 * Whether a column of a plan is in ascending order because it is the ts or ts_ns of a metrics
 * table or live stream, read in time order, through filters and projections that keep it.
 * Volcano's collation traits do not follow a scan's order through the projections its rules
 * add, so the time order is traced here instead.
 */
final class TimeOrder {
  private TimeOrder() {}

  static boolean isOrderedBy(RelNode rel, int column) {
    if (rel instanceof RelSubset subset) {
      return isOrderedBy(subset.getOriginal(), column);
    }
    if (rel instanceof HepRelVertex vertex) {
      return isOrderedBy(vertex.getCurrentRel(), column);
    }
    if (rel instanceof PcpTableScan scan) {
      return MetricColumn.of(PcpFilterTranslator.scanColumns(scan)[column]).isTime();
    }
    if (rel instanceof TableScan scan && scan.getTable().unwrap(LiveTable.Stream.class) != null) {
      String name = scan.getRowType().getFieldNames().get(column);
      return name.equals(MetricColumn.TS.sqlName) || name.equals(MetricColumn.TS_NS.sqlName);
    }
    if (rel instanceof Filter filter) {
      return isOrderedBy(filter.getInput(), column);
    }
    if (rel instanceof Project project) {
      return keeps(project.getProjects().get(column), project.getInput());
    }
    if (rel instanceof Calc calc) {
      return keeps(calc.getProgram().expandLocalRef(
          calc.getProgram().getProjectList().get(column)), calc.getInput());
    }
    return false;
  }

  private static boolean keeps(RexNode expression, RelNode input) {
    return RexUtil.removeCast(expression) instanceof RexInputRef ref
        && isOrderedBy(input, ref.getIndex());
  }
}
