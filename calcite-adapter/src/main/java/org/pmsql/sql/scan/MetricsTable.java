package org.pmsql.sql.scan;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.AbstractQueryableTable;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.sql.catalog.ArchiveErrors;

/**
 * A host's values as a table: {@code <host>.metrics}, one row per value of every metric, or
 * {@code <host>."<metric>"}, the same rows of one metric without the metric column. Scans are
 * planned as {@link PcpTableScan}s so that time, metric and column restrictions reach the
 * archive reader.
 */
public final class MetricsTable extends AbstractQueryableTable implements TranslatableTable {
  private final ArchiveSet set;
  private final String metric;
  private final int[] columns;
  private final ArchiveErrors errors;

  /** The long table of every metric when {@code metric} is null, else one metric's table. */
  public MetricsTable(ArchiveSet set, String metric, ArchiveErrors errors) {
    super(Object[].class);
    this.set = set;
    this.errors = errors;
    this.metric = metric;
    this.columns = MetricColumn.ofTable(metric);
  }

  String metric() {
    return metric;
  }

  /** Scan columns, indexed by this table's column numbers. */
  int[] columns() {
    return columns;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return MetricColumn.rowType(f, columns);
  }

  /**
   * Rows come in time order, so ts and ts_ns (columns 0 and 1 of every metrics table) are
   * sorted: what lets ORDER BY ts and streaming windows use it.
   */
  public static final Statistic TIME_ORDERED =
      Statistics.of(1e6, List.of(), List.of(RelCollations.of(0), RelCollations.of(1)));

  @Override
  public Statistic getStatistic() {
    return TIME_ORDERED;
  }

  @Override
  public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
    return new PcpTableScan(context.getCluster(), relOptTable, this, ScanSpec.of(metric));
  }

  /** Only the planner's own scans read this table; it is never queried as a collection. */
  @Override
  public <T> Queryable<T> asQueryable(QueryProvider provider, SchemaPlus schema, String name) {
    throw new UnsupportedOperationException("metrics tables are read through PcpTableScan");
  }

  /** Called by generated code: the rows a pushed-down scan specification selects. */
  public Enumerable<Object> scan(DataContext root, ScanSpec pushed) {
    ScanSpec spec = pushed.bind(root);
    long[] window = spec.window(root);
    if (window == null) {
      return Linq4j.emptyEnumerable();
    }
    int[] fields = spec.fields != null ? spec.fields : columns;
    QueryStop stop = QueryStop.of(root);
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object> enumerator() {
        return new MetricRows(from -> {
          ArchiveCursor cursor = set.cursor();
          cursor.onDamageSkipArchive(errors::add);
          if (from > set.startNanos()) {
            cursor.seek(from);
          }
          return cursor;
        }, spec, fields, window[0], window[1], stop);
      }
    };
  }
}
