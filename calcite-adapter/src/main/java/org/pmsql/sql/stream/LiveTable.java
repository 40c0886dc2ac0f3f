package org.pmsql.sql.stream;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ProjectableFilterableTable;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.StreamableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.follow.LiveCursor;
import org.pmsql.sql.scan.MetricColumn;
import org.pmsql.sql.scan.MetricRows;
import org.pmsql.sql.scan.MetricsTable;
import org.pmsql.sql.scan.PcpFilterTranslator;
import org.pmsql.sql.scan.QueryStop;
import org.pmsql.sql.scan.ScanSpec;

/**
 * {@code <host>.live} and {@code <host>."live:<metric>"}: the same rows as the metrics tables,
 * continued as the host's pmlogger writes them, for {@code SELECT STREAM}. With a lower time
 * bound the stream replays history from there (index seek) and goes on live without a gap or a
 * repeat; without one it starts at the live edge. Filters and projections reach the follower,
 * so a stream of one metric decodes no other.
 */
public final class LiveTable extends AbstractTable implements StreamableTable {
  private final ArchiveSet set;
  private final String metric;
  private final int[] columns;

  public LiveTable(ArchiveSet set, String metric) {
    this.set = set;
    this.metric = metric;
    this.columns = MetricColumn.ofTable(metric);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return MetricColumn.rowType(f, columns);
  }

  /** Rows come in time order: ts is monotonic, so GROUP BY FLOOR(ts TO ...) can stream. */
  @Override
  public Statistic getStatistic() {
    return MetricsTable.TIME_ORDERED;
  }

  /** Listed as a STREAM, not a TABLE, so BI tools do not offer it for ordinary queries. */
  @Override
  public Schema.TableType getJdbcTableType() {
    return Schema.TableType.STREAM;
  }

  @Override
  public Table stream() {
    return new Stream();
  }

  /**
   * The unbounded scan itself: Calcite hands it the filters and columns a query needs. It is
   * scannable too because Calcite's stream rule only accepts such tables.
   */
  public final class Stream extends AbstractTable
      implements ProjectableFilterableTable, ScannableTable {
    @Override
    public RelDataType getRowType(RelDataTypeFactory f) {
      return LiveTable.this.getRowType(f);
    }

    @Override
    public Statistic getStatistic() {
      return LiveTable.this.getStatistic();
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return scan(root, new ArrayList<>(), null);
    }

    /** Filters stay in {@code filters}, so Calcite applies them too; here they prune. */
    @Override
    public Enumerable<Object[]> scan(DataContext root, List<RexNode> filters, int[] projects) {
      int[] fields = columns;
      if (projects != null) {
        fields = new int[projects.length];
        for (int i = 0; i < projects.length; i++) {
          fields[i] = columns[projects[i]];
        }
      }
      ScanSpec spec = new PcpFilterTranslator(columns, ScanSpec.of(metric))
          .translate(filters, fields).bind(root);
      long[] window = spec.window(root);
      if (window == null) {
        return Linq4j.emptyEnumerable();
      }
      QueryStop stop = QueryStop.of(root);
      Set<Path> directories = new LinkedHashSet<>();
      for (Archive archive : set.archives()) {
        directories.add(archive.base().toAbsolutePath().getParent());
      }
      int[] scanned = fields;
      Enumerable<Object> rows = new AbstractEnumerable<>() {
        @Override
        public Enumerator<Object> enumerator() {
          return new MetricRows(from -> new LiveCursor(set.hostname(), directories,
              from == Long.MIN_VALUE ? LiveCursor.LIVE_EDGE : from, stop),
              spec, scanned, window[0], window[1], stop);
        }
      };
      return scanned.length == 1 ? rows.select(value -> new Object[] {value})
          : rows.select(row -> (Object[]) row);
    }
  }
}
