package org.pmsql.archive;

import java.util.TreeSet;
import java.util.TreeMap;
import java.util.Map;
import java.util.HashMap;
import java.util.Arrays;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.HelpText;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.archive.source.ArchiveFormatException;

/**
 * Writes what this reader decodes in the same canonical text as tools/pcp-oracle/pcp-oracle.c
 * prints from libpcp, so the two can be compared line by line.
 */
public final class CanonicalDump {
  private CanonicalDump() {}

  /** Dumps one archive set; a decoding error ends the dump with an {@code X} line. */
  public static void write(ArchiveSet set, Consumer<String> out) throws IOException {
    Archive first = set.archives().get(0);
    out.accept("L " + first.hostname() + " " + first.version());
    // libpcp merges the namespaces of a multi-archive context.
    TreeMap<Long, TreeSet<String>> namesByPmid = new TreeMap<>();
    Map<Long, MetricDesc> descByPmid = new HashMap<>();
    for (Archive archive : set.archives()) {
      for (MetricDesc d : archive.metadata().descs()) {
        long key = d.pmid() & 0xffffffffL;
        descByPmid.putIfAbsent(key, d);
        namesByPmid.computeIfAbsent(key, k -> new TreeSet<>()).addAll(d.names());
      }
    }
    ArchiveMetadata metadata = first.metadata();
    for (var entry : namesByPmid.entrySet()) {
      MetricDesc d = descByPmid.get(entry.getKey());
      // the reported name (libpcp's pmNameID) first, as the oracle prints it
      List<String> names = new ArrayList<>(List.of(d.name()));
      entry.getValue().stream().filter(n -> !n.equals(d.name())).forEach(names::add);
      out.accept(String.format("D %s %d %08x %d %08x %s", PmTypes.pmidString(d.pmid()), d.type(),
          d.indom(), d.semantics(), d.units().word(), String.join(",", names)));
      for (int kind : new int[] {HelpText.ONELINE, HelpText.HELP}) {
        String text = metadata.text(kind | HelpText.FOR_PMID, d.pmid());
        if (text != null) {
          out.accept("H " + PmTypes.pmidString(d.pmid()) + " " + kind + " " + escape(text));
        }
      }
    }
    try (ArchiveCursor cursor = set.cursor()) {
      while (true) {
        try {
          if (!cursor.next()) {
            break;
          }
        } catch (ArchiveFormatException e) {
          out.accept("X " + e.getMessage());
          break;
        }
        record(cursor, out);
      }
    }
  }

  private static void record(ArchiveCursor cursor, Consumer<String> out) throws IOException {
    long ts = cursor.timestampNanos();
    String stamp = Math.floorDiv(ts, 1_000_000_000L) + "."
        + String.format("%09d", Math.floorMod(ts, 1_000_000_000L));
    if (cursor.isSyntheticMark()) {
      out.accept("R " + stamp + " 0");
      return;
    }
    ResultRecord r = cursor.record();
    out.accept("R " + stamp + " " + r.setCount());
    ArchiveMetadata metadata = cursor.metadata();
    for (int s = 0; s < r.setCount(); s++) {
      int numval = r.numval(s);
      out.accept("S " + PmTypes.pmidString(r.pmid(s)) + " " + numval);
      MetricDesc desc = metadata.desc(r.pmid(s));
      for (int i = 0; i < numval; i++) {
        int inst = r.inst(s, i);
        String name;
        if (inst == PmTypes.IN_NULL) {
          name = "-";
        } else {
          String known = desc == null ? null : metadata.instanceName(desc.indom(), inst, ts);
          name = known == null ? "?" : escape(known);
        }
        out.accept("V " + inst + " " + name + " " + value(cursor, r, desc, s, i));
        if (desc != null && (desc.type() == PmTypes.TYPE_EVENT
            || desc.type() == PmTypes.TYPE_HIGHRES_EVENT)) {
          for (ResultRecord.Event e : r.events(s, i, desc.type() == PmTypes.TYPE_HIGHRES_EVENT,
              cursor.fileName(), 0)) {
            long t = e.timestampNanos();
            out.accept("E " + Math.floorDiv(t, 1_000_000_000L) + "."
                + String.format("%09d", Math.floorMod(t, 1_000_000_000L)));
          }
        }
      }
    }
  }

  private static String value(ArchiveCursor cursor, ResultRecord r, MetricDesc desc, int s,
      int i) throws IOException {
    if (desc == null) {
      return "?";
    }
    int type = desc.type();
    switch (type) {
      case PmTypes.TYPE_32:
      case PmTypes.TYPE_U32:
      case PmTypes.TYPE_64:
        return Long.toString(r.longValue(s, i, type));
      case PmTypes.TYPE_U64:
        return Long.toUnsignedString(r.longValue(s, i, type));
      case PmTypes.TYPE_FLOAT:
        return String.format("f%08x", r.floatBits(s, i));
      case PmTypes.TYPE_DOUBLE:
        return String.format("d%016x", r.doubleBits(s, i));
      case PmTypes.TYPE_STRING:
        byte[] raw = r.bytesValue(s, i);
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
          end++;
        }
        return "s" + escape(Arrays.copyOf(raw, end));
      case PmTypes.TYPE_AGGREGATE:
      case PmTypes.TYPE_AGGREGATE_STATIC:
        return "a" + hex(r.bytesValue(s, i));
      case PmTypes.TYPE_EVENT:
      case PmTypes.TYPE_HIGHRES_EVENT:
        return "e" + r.events(s, i, type == PmTypes.TYPE_HIGHRES_EVENT, cursor.fileName(), 0)
            .size();
      default:
        return "?";
    }
  }

  static String escape(String text) {
    return escape(text.getBytes(StandardCharsets.UTF_8));
  }

  static String escape(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte c : bytes) {
      int u = c & 0xff;
      if (u < 0x21 || u >= 0x7f || u == '\\') {
        sb.append(String.format("\\x%02x", u));
      } else {
        sb.append((char) u);
      }
    }
    return sb.toString();
  }

  private static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : bytes) {
      sb.append(String.format("%02x", b & 0xff));
    }
    return sb.toString();
  }
}
