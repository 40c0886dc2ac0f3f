package org.pmsql.archive.describe;

import static org.pmsql.archive.describe.Column.Kind.DOUBLE;
import static org.pmsql.archive.describe.Column.Kind.INTEGER;
import static org.pmsql.archive.describe.Column.Kind.TEXT;
import static org.pmsql.archive.describe.Column.Kind.TIME;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.HelpText;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.LabelRecord;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * A host's tables that describe its archives. Column names avoid SQL reserved words so they
 * never need quoting. Rows hold String, Integer, Double, and Long nanoseconds for times.
 */
public enum DescribingTable {
  /** Each metric's descriptor, help text and canonical units, by its first name. */
  DESCS(List.of(Column.of("metric", TEXT), Column.of("pmid", TEXT),
      Column.of("value_type", TEXT), Column.of("semantics", TEXT), Column.of("units", TEXT),
      Column.of("indom", TEXT), Column.nullable("one_line", TEXT),
      Column.nullable("help_text", TEXT), Column.of("canonical_units", TEXT),
      Column.of("canonical_factor", DOUBLE), Column.nullable("aliases", TEXT))) {
    @Override
    public List<Object[]> rows(ArchiveSet set) {
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
    }
  },

  /**
   * Every instance with the time it first appears in its domain and the time it is first
   * missing after that (null while it lasts to the archive's end).
   */
  INSTANCES(List.of(Column.of("indom", TEXT), Column.of("inst", INTEGER),
      Column.of("instance", TEXT), Column.of("first_ts", TIME),
      Column.nullable("gone_ts", TIME))) {
    @Override
    public List<Object[]> rows(ArchiveSet set) {
      List<Object[]> rows = new ArrayList<>();
      for (Archive a : set.archives()) {
        for (InstanceDomain domain : a.metadata().indoms()) {
          Map<Integer, Object[]> open = new HashMap<>();
          for (InstanceDomain.Snapshot s : domain.snapshots()) {
            Set<Integer> present = new HashSet<>();
            for (int i = 0; i < s.ids().length; i++) {
              present.add(s.ids()[i]);
              if (!open.containsKey(s.ids()[i])) {
                Object[] row = {PmTypes.indomString(domain.indom()), s.ids()[i], s.names()[i],
                    s.stampNanos(), null};
                open.put(s.ids()[i], row);
                rows.add(row);
              }
            }
            open.entrySet().removeIf(e -> {
              if (!present.contains(e.getKey())) {
                e.getValue()[4] = s.stampNanos();
                return true;
              }
              return false;
            });
          }
        }
      }
      return rows;
    }
  },

  /** Label sets as PCP logged them, with the time each was logged (a later one supersedes). */
  LABELS(List.of(Column.of("label_type", TEXT), Column.nullable("ident", TEXT),
      Column.nullable("inst", INTEGER), Column.of("labels", TEXT),
      Column.of("logged_ts", TIME))) {
    @Override
    public List<Object[]> rows(ArchiveSet set) {
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
                labelSet.json(), r.stampNanos()});
          }
        }
      }
      return rows;
    }
  },

  /** The host's archive files: version, volumes, time span and time zone. */
  ARCHIVES(List.of(Column.of("file_path", TEXT), Column.of("format_version", INTEGER),
      Column.of("volume_count", INTEGER), Column.of("start_ts", TIME),
      Column.of("end_ts", TIME), Column.of("time_zone", TEXT))) {
    @Override
    public List<Object[]> rows(ArchiveSet set) {
      List<Object[]> rows = new ArrayList<>();
      for (Archive a : set.archives()) {
        rows.add(new Object[] {a.base().toString(), a.version(), a.volumeNumbers().size(),
            a.startNanos(), end(a),
            a.label().zoneinfo().isEmpty() ? a.label().timezone() : a.label().zoneinfo()});
      }
      return rows;
    }
  };

  private final List<Column> columns;

  DescribingTable(List<Column> columns) {
    this.columns = columns;
  }

  public List<Column> columns() {
    return columns;
  }

  /** The table's name in a host's schema: descs, instances, labels, archives. */
  public String tableName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The rows for the host's archives. */
  public abstract List<Object[]> rows(ArchiveSet set);

  /** The time an archive's last record was logged. */
  public static long end(Archive archive) {
    try {
      return archive.endNanos();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
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
}
