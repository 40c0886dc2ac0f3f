package org.pmsql.sql.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.LabelRecord;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * pmseries' identities for a host's archives, computed as libpcp_web computes them so that an
 * id from pmsql equals pmproxy's for the same data: SHA-1 over a JSON text of the identifying
 * fields. A source is its context labels; a series is a metric name with its merged labels
 * (context, domain, instance domain, cluster, item), semantics, type and units; an instance is
 * its name with its merged labels (context, domain, instance domain: a load hashes an instance
 * before it reads the instance's own labels, and keeps that hash). Labels PCP flags optional
 * do not identify anything and are left out, of the hashes and of the labels shown, as
 * pmproxy shows them. An archive without context labels identifies by its host name, as
 * libpcp_web does.
 * Labels are those in force when a load first meets the metric (the context's: when the
 * archive starts), which is what makes the ids of the same data equal.
 *
 * <p>{@code <host>.series}: one row per series; {@code <host>.series_instances}: one row per
 * instance of a series; {@code <host>.series_sources}: one row per source and archive.
 */
public final class SeriesIds {
  private static final int[] METRIC_LEVELS = {LabelRecord.CONTEXT, LabelRecord.DOMAIN,
      LabelRecord.INDOM, LabelRecord.CLUSTER, LabelRecord.ITEM};
  private static final int[] INSTANCE_LEVELS = {LabelRecord.CONTEXT, LabelRecord.DOMAIN,
      LabelRecord.INDOM};

  /**
   * pmlogger's prologue: values logged when the archive starts, whose descriptors it writes
   * only after the labels of its first fetch.
   */
  private static final Set<String> PROLOGUE = Set.of("pmcd.pid", "pmcd.seqnum",
      "pmcd.pmlogger.host", "pmcd.pmlogger.port", "pmcd.pmlogger.archive");

  private SeriesIds() {}

  public static Table series(ArchiveSet set) {
    return new CatalogTables.ListTable(f -> f.builder()
        .add("series", SqlTypeName.VARCHAR)
        .add("source", SqlTypeName.VARCHAR)
        .add("metric", SqlTypeName.VARCHAR)
        .add("pmid", SqlTypeName.VARCHAR)
        .add("indom", SqlTypeName.VARCHAR)
        .add("semantics", SqlTypeName.VARCHAR)
        .add("type", SqlTypeName.VARCHAR)
        .add("units", SqlTypeName.VARCHAR)
        .add("labels", SqlTypeName.VARCHAR)
        .build(), () -> rows(set, Kind.SERIES));
  }

  public static Table instances(ArchiveSet set) {
    return new CatalogTables.ListTable(f -> f.builder()
        .add("series", SqlTypeName.VARCHAR)
        .add("source", SqlTypeName.VARCHAR)
        .add("metric", SqlTypeName.VARCHAR)
        .add("instance_id", SqlTypeName.VARCHAR)
        .add("inst", SqlTypeName.INTEGER)
        .add("instance", SqlTypeName.VARCHAR)
        .add("labels", SqlTypeName.VARCHAR)
        .build(), () -> rows(set, Kind.INSTANCES));
  }

  public static Table sources(ArchiveSet set) {
    return new CatalogTables.ListTable(f -> f.builder()
        .add("source", SqlTypeName.VARCHAR)
        .add("hostname", SqlTypeName.VARCHAR)
        .add("archive", SqlTypeName.VARCHAR)
        .add("labels", SqlTypeName.VARCHAR)
        .build(), () -> rows(set, Kind.SOURCES));
  }

  private enum Kind { SERIES, INSTANCES, SOURCES }

  private static List<Object[]> rows(ArchiveSet set, Kind kind) {
    List<Object[]> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Archive archive : set.archives()) {
      ArchiveMetadata metadata = archive.metadata();
      List<LabelRecord.Entry> context = contextLabels(archive, metadata);
      String source = sha1("{\"series\":\"source\",\"labels\":"
          + merge(List.of(context), true) + "}");
      if (kind == Kind.SOURCES) {
        rows.add(new Object[] {source, archive.hostname(), archive.base().toString(),
            merge(List.of(context), false)});
        continue;
      }
      Map<Integer, List<Instance>> instancesOfDomain = new HashMap<>();
      // metrics first logged together share their labels' state: found once per time
      Map<Long, Map<Long, LabelRecord>> inForceAt = new HashMap<>();
      for (MetricDesc desc : metadata.descs()) {
        long firstLogged = PROLOGUE.contains(desc.name()) ? archive.startNanos()
            : metadata.firstLoggedNanos(desc.pmid());
        Map<Long, LabelRecord> known = inForceAt.computeIfAbsent(firstLogged,
            t -> newestOfEach(labelsAt(metadata, t)));
        List<List<LabelRecord.Entry>> levels = new ArrayList<>();
        for (int level : METRIC_LEVELS) {
          levels.add(level == LabelRecord.CONTEXT ? context
              : entries(known.get(key(level, ident(level, desc))), -1));
        }
        String identifying = merge(levels, true);
        for (String name : desc.names()) {
          String series = sha1("{\"series\":\"metric\",\"name\":\"" + name + "\",\"labels\":"
              + identifying + ",\"semantics\":\"" + PmTypes.semanticsName(desc.semantics())
              + "\",\"type\":\"" + PmTypes.typeName(desc.type()).toUpperCase(Locale.ROOT)
              + "\",\"units\":\"" + desc.units().pmUnitsStr() + "\"}");
          if (kind == Kind.SERIES) {
            if (seen.add(series)) {
              rows.add(new Object[] {series, source, name, PmTypes.pmidString(desc.pmid()),
                  desc.singular() ? "none" : PmTypes.indomString(desc.indom()),
                  PmTypes.semanticsName(desc.semantics()), PmTypes.typeName(desc.type()),
                  desc.units().toString(), identifying});
            }
          } else if (!desc.singular()) {
            for (Instance i : instancesOfDomain.computeIfAbsent(desc.indom(),
                indom -> instances(metadata, desc, context))) {
              if (seen.add(series + i.id())) {
                rows.add(new Object[] {series, source, name, i.id(), i.number(), i.name(),
                    i.labels()});
              }
            }
          }
        }
      }
    }
    return rows;
  }

  /** An instance as pmseries identifies it. */
  private record Instance(String id, int number, String name, String labels) {}

  /**
   * The instances of the metric's instance domain. pmseries makes an instance when it first
   * has a value, of any metric of the domain, and hashes it with the labels in force then
   * (those of its context, domain and instance domain: its own labels come later and are
   * never hashed); a renamed instance is another instance (its name is in its identity), and
   * a name given to another number later is the same instance, now of that number.
   */
  private static List<Instance> instances(ArchiveMetadata metadata, MetricDesc desc,
      List<LabelRecord.Entry> context) {
    InstanceDomain domain = metadata.indom(desc.indom());
    if (domain == null) {
      return List.of();
    }
    Map<String, Integer> numbers = new LinkedHashMap<>();
    Map<String, Long> firstSeen = new HashMap<>();
    Set<String> pairs = new HashSet<>();
    for (InstanceDomain.Snapshot snapshot : domain.snapshots()) {
      for (int i = 0; i < snapshot.ids().length; i++) {
        if (pairs.add(snapshot.ids()[i] + " " + snapshot.names()[i])) {
          numbers.put(snapshot.names()[i], snapshot.ids()[i]);
        }
        firstSeen.putIfAbsent(snapshot.names()[i], snapshot.stampNanos());
      }
    }
    Map<Long, String> labelsByTime = new HashMap<>();
    List<Instance> instances = new ArrayList<>();
    for (Map.Entry<String, Integer> instance : numbers.entrySet()) {
      String labels = labelsByTime.computeIfAbsent(firstSeen.get(instance.getKey()), t -> {
        Map<Long, LabelRecord> known = newestOfEach(labelsAt(metadata, t));
        List<List<LabelRecord.Entry>> levels = new ArrayList<>();
        for (int level : INSTANCE_LEVELS) {
          levels.add(level == LabelRecord.CONTEXT ? context
              : entries(known.get(key(level, ident(level, desc))), -1));
        }
        return merge(levels, true);
      });
      instances.add(new Instance(sha1("{\"series\":\"instance\",\"name\":\""
          + instance.getKey() + "\",\"labels\":" + labels + "}"), instance.getValue(),
          instance.getKey(), labels));
    }
    return instances;
  }

  /**
   * The context's labels when the archive starts, which is when a load asks for them: none
   * where pmlogger logged them with its first values rather than at the start (then the
   * host's name stands for them, as libpcp_web has it).
   */
  private static List<LabelRecord.Entry> contextLabels(Archive archive,
      ArchiveMetadata metadata) {
    List<LabelRecord.Entry> logged = entries(newestOfEach(labelsAt(metadata,
        archive.startNanos())).get(key(LabelRecord.CONTEXT, -1)), -1);
    return logged.isEmpty()
        ? List.of(new LabelRecord.Entry("hostname", quoted(archive.hostname()), 0))
        : logged;
  }

  private static String quoted(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  private static List<LabelRecord> labelsAt(ArchiveMetadata metadata, long nanos) {
    return metadata.labels().stream().filter(r -> r.stampNanos() <= nanos).toList();
  }

  /**
   * The latest of these records of each kind and ident (a later one supersedes): the labels
   * they leave in force.
   */
  static Map<Long, LabelRecord> newestOfEach(List<LabelRecord> records) {
    Map<Long, LabelRecord> newest = new HashMap<>();
    for (LabelRecord r : records) {
      newest.merge(key(r.labelType(), r.labelType() == LabelRecord.CONTEXT ? -1 : r.ident()), r,
          (old, now) -> now.stampNanos() >= old.stampNanos() ? now : old);
    }
    return newest;
  }

  private static List<LabelRecord.Entry> entries(LabelRecord record, int inst) {
    if (record == null) {
      return List.of();
    }
    for (LabelRecord.Set labelSet : record.sets()) {
      if (inst < 0 || labelSet.inst() == inst) {
        return labelSet.entries();
      }
    }
    return List.of();
  }

  /**
   * Label sets merged as pmMergeLabelSets(3) merges them: a later set's label replaces an
   * earlier one of the same name, names in order, no white space; {@code identifying} leaves
   * out the optional ones, as libpcp_web's hashes do.
   */
  static String merge(List<List<LabelRecord.Entry>> sets, boolean identifying) {
    TreeMap<String, LabelRecord.Entry> merged = new TreeMap<>();
    for (List<LabelRecord.Entry> labelSet : sets) {
      for (LabelRecord.Entry entry : labelSet) {
        merged.put(entry.name(), entry);
      }
    }
    StringBuilder out = new StringBuilder("{");
    for (LabelRecord.Entry entry : merged.values()) {
      if (identifying && entry.optional()) {
        continue;
      }
      if (out.length() > 1) {
        out.append(',');
      }
      out.append('"').append(entry.name()).append("\":").append(entry.value());
    }
    return out.append('}').toString();
  }

  static long key(int type, int ident) {
    return ((long) type << 32) | (ident & 0xffffffffL);
  }

  /** The ident a label record of this kind carries for the metric (pmID: domain.cluster.item). */
  static int ident(int type, MetricDesc desc) {
    return switch (type) {
      case LabelRecord.DOMAIN -> desc.pmid() >>> 22 & 0x1ff;
      case LabelRecord.INDOM, LabelRecord.INSTANCES -> desc.indom();
      case LabelRecord.CLUSTER -> desc.pmid() & ~0x3ff;
      case LabelRecord.ITEM -> desc.pmid();
      default -> -1;
    };
  }

  public static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
          .digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-1", e);
    }
  }
}
