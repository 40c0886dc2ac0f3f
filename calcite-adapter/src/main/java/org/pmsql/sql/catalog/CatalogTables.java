package org.pmsql.sql.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.HelpText;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.LabelRecord;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

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
                millis(end(set.archives().get(set.archives().size() - 1))),
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

  public static Table descs(ArchiveSet set) {
    return new ListTable(f -> f.builder()
        .add("metric", SqlTypeName.VARCHAR)
        .add("pmid", SqlTypeName.VARCHAR)
        .add("value_type", SqlTypeName.VARCHAR)
        .add("semantics", SqlTypeName.VARCHAR)
        .add("units", SqlTypeName.VARCHAR)
        .add("indom", SqlTypeName.VARCHAR)
        .add("one_line", SqlTypeName.VARCHAR).nullable(true)
        .add("help_text", SqlTypeName.VARCHAR).nullable(true)
        .add("canonical_units", SqlTypeName.VARCHAR)
        .add("canonical_factor", SqlTypeName.DOUBLE)
        .add("aliases", SqlTypeName.VARCHAR).nullable(true)
        .build(), () -> {
          Map<String, Object[]> rows = new TreeMap<>();
          for (Archive a : set.archives()) {
            for (MetricDesc d : a.metadata().descs()) {
              rows.putIfAbsent(d.name(), new Object[] {d.name(), PmTypes.pmidString(d.pmid()),
                  PmTypes.typeName(d.type()), PmTypes.semanticsName(d.semantics()),
                  d.units().toString(), PmTypes.indomString(d.indom()),
                  a.metadata().text(HelpText.ONELINE | HelpText.FOR_PMID, d.pmid()),
                  a.metadata().text(HelpText.HELP | HelpText.FOR_PMID, d.pmid()),
                  d.units().canonical().toString(), d.units().canonicalFactor(),
                  d.names().size() < 2 ? null
                      : String.join(", ", d.names().subList(1, d.names().size()))});
            }
          }
          return new ArrayList<>(rows.values());
        });
  }

  /**
   * Every instance with the time it first appears in its domain and the time it is first
   * missing after that (null while it lasts to the archive's end).
   */
  public static Table instances(ArchiveSet set) {
    return new ListTable(f -> f.builder()
        .add("indom", SqlTypeName.VARCHAR)
        .add("inst", SqlTypeName.INTEGER)
        .add("instance", SqlTypeName.VARCHAR)
        .add("first_ts", SqlTypeName.TIMESTAMP, 3)
        .add("gone_ts", SqlTypeName.TIMESTAMP, 3).nullable(true)
        .build(), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Archive a : set.archives()) {
            for (InstanceDomain domain : a.metadata().indoms()) {
              Map<Integer, Object[]> open = new HashMap<>();
              for (InstanceDomain.Snapshot s : domain.snapshots()) {
                Set<Integer> present = new HashSet<>();
                for (int i = 0; i < s.ids().length; i++) {
                  present.add(s.ids()[i]);
                  if (!open.containsKey(s.ids()[i])) {
                    Object[] row = {PmTypes.indomString(domain.indom()), s.ids()[i],
                        s.names()[i], millis(s.stampNanos()), null};
                    open.put(s.ids()[i], row);
                    rows.add(row);
                  }
                }
                open.entrySet().removeIf(e -> {
                  if (!present.contains(e.getKey())) {
                    e.getValue()[4] = millis(s.stampNanos());
                    return true;
                  }
                  return false;
                });
              }
            }
          }
          return rows;
        });
  }

  /** Label sets as PCP logged them, with the time each was logged (a later one supersedes). */
  public static Table labels(ArchiveSet set) {
    return new ListTable(f -> f.builder()
        .add("label_type", SqlTypeName.VARCHAR)
        .add("ident", SqlTypeName.VARCHAR).nullable(true)
        .add("inst", SqlTypeName.INTEGER).nullable(true)
        .add("labels", SqlTypeName.VARCHAR)
        .add("logged_ts", SqlTypeName.TIMESTAMP, 3)
        .build(), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Archive a : set.archives()) {
            for (LabelRecord r : a.metadata().labels()) {
              String type = labelType(r.labelType());
              String ident = switch (r.labelType()) {
                case LabelRecord.CONTEXT -> null;
                case LabelRecord.DOMAIN -> Integer.toString(r.ident());
                case LabelRecord.INDOM, LabelRecord.INSTANCES -> PmTypes.indomString(r.ident());
                case LabelRecord.CLUSTER -> (r.ident() >>> 22 & 0x1ff) + "."
                    + (r.ident() >>> 10 & 0xfff);
                default -> PmTypes.pmidString(r.ident());
              };
              for (LabelRecord.Set labelSet : r.sets()) {
                rows.add(new Object[] {type, ident, labelSet.inst() < 0 ? null : labelSet.inst(),
                    labelSet.json(), millis(r.stampNanos())});
              }
            }
          }
          return rows;
        });
  }

  private static String labelType(int type) {
    switch (type) {
      case LabelRecord.CONTEXT:
        return "context";
      case LabelRecord.DOMAIN:
        return "domain";
      case LabelRecord.INDOM:
        return "indom";
      case LabelRecord.CLUSTER:
        return "cluster";
      case LabelRecord.ITEM:
        return "item";
      case LabelRecord.INSTANCES:
        return "instances";
      default:
        return "type " + type;
    }
  }

  public static Table archives(ArchiveSet set) {
    return new ListTable(f -> f.builder()
        .add("file_path", SqlTypeName.VARCHAR)
        .add("format_version", SqlTypeName.INTEGER)
        .add("volume_count", SqlTypeName.INTEGER)
        .add("start_ts", SqlTypeName.TIMESTAMP, 3)
        .add("end_ts", SqlTypeName.TIMESTAMP, 3)
        .add("time_zone", SqlTypeName.VARCHAR)
        .build(), () -> {
          List<Object[]> rows = new ArrayList<>();
          for (Archive a : set.archives()) {
            rows.add(new Object[] {a.base().toString(), a.version(), a.volumeNumbers().size(),
                millis(a.startNanos()), millis(end(a)),
                a.label().zoneinfo().isEmpty() ? a.label().timezone() : a.label().zoneinfo()});
          }
          return rows;
        });
  }

  private static long end(Archive archive) {
    try {
      return archive.endNanos();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  private static long millis(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L);
  }
}
