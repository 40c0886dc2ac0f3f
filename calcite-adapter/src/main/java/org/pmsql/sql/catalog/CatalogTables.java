package org.pmsql.sql.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.describe.Column;
import org.pmsql.archive.describe.DescribingTable;

/**
 * The small tables that describe archives rather than hold values: hosts, metric descriptors,
 * instances with their lifetimes, and archive files. Column names avoid SQL reserved words so
 * they never need quoting.
 */
public final class CatalogTables {
  private CatalogTables() {}

  /** A table of rows computed on demand from the archives' metadata. */
  public static final class ListTable extends AbstractTable implements ScannableTable {
    private final Function<RelDataTypeFactory, RelDataType> rowType;
    private final Supplier<List<Object[]>> rows;

    public ListTable(Function<RelDataTypeFactory, RelDataType> rowType,
        Supplier<List<Object[]>> rows) {
      this.rowType = rowType;
      this.rows = rows;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
      return rowType.apply(typeFactory);
    }

    @Override
    public Enumerable<Object[]> scan(DataContext root) {
      return Linq4j.asEnumerable(rows.get());
    }
  }

  public static Table hosts(List<ArchiveSet> sets) {
    return new ListTable(f -> f.builder()
        .add("host", SqlTypeName.VARCHAR)
        .add("first_ts", SqlTypeName.TIMESTAMP, 3)
        .add("last_ts", SqlTypeName.TIMESTAMP, 3)
        .add("archive_count", SqlTypeName.INTEGER)
        .add("metric_count", SqlTypeName.INTEGER)
        .build(), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (ArchiveSet set : sets) {
            rows.add(new Object[] {set.hostname(), millis(set.startNanos()),
                millis(DescribingTable.end(set.archives().get(set.archives().size() - 1))),
                set.archives().size(), set.metricCount()});
          }
          return rows;
        });
  }

  /** Archives that could not be read: the file and the reason, with the byte offset. */
  public static Table errors(ArchiveErrors errors) {
    return new ListTable(f -> f.builder()
        .add("file_path", SqlTypeName.VARCHAR).nullable(true)
        .add("message", SqlTypeName.VARCHAR)
        .build(), errors::rows);
  }

  /**
   * A host's table that describes its archives (descs, instances, labels, archives), its
   * times to the millisecond as the metrics tables' ts.
   */
  public static Table of(DescribingTable table, ArchiveSet set) {
    return new ListTable(f -> {
      RelDataTypeFactory.Builder b = f.builder();
      for (Column c : table.columns()) {
        switch (c.kind()) {
          case TEXT -> b.add(c.name(), SqlTypeName.VARCHAR);
          case INTEGER -> b.add(c.name(), SqlTypeName.INTEGER);
          case DOUBLE -> b.add(c.name(), SqlTypeName.DOUBLE);
          default -> b.add(c.name(), SqlTypeName.TIMESTAMP, 3);
        }
        b.nullable(c.nullable());
      }
      return b.build();
    }, () -> {
      List<Object[]> rows = table.rows(set);
      for (Object[] row : rows) {
        for (int i = 0; i < row.length; i++) {
          if (table.columns().get(i).kind() == Column.Kind.TIME && row[i] != null) {
            row[i] = millis((Long) row[i]);
          }
        }
      }
      return rows;
    });
  }

  private static long millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }
}
