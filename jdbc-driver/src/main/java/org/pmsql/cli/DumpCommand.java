package org.pmsql.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.jdbc.ConnectProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pmsql dump}: every value of some archives, or a per-metric summary. */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"Print every value of PCP archives, or a summary per metric.",
        "Each value line gives time, metric, instance id and name, and value; --summary",
        "prints one JSON line per metric with its count of values and sum of numeric ones.",
        "Exit status: 0 when everything was read, 1 when an archive is missing or damaged."})
final class DumpCommand implements Callable<Integer> {
  enum Format { jsonl, text }

  @Option(names = "--format", defaultValue = "text",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Option(names = "--summary", description = "Print one JSON object per metric instead.")
  boolean summary;

  @Parameters(arity = "1..*", paramLabel = "ARCHIVE",
      description = "An archive (base name or any of its files), a directory of archives, a"
          + " pmlogger root with one directory per host, or a comma-separated list of these.")
  List<String> archives;

  @Override
  public Integer call() {
    List<Path> paths = archives.stream().flatMap(arg -> ConnectProperties.paths(arg).stream())
        .toList();
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), false,
        StandardCharsets.UTF_8);
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(paths);
    boolean damaged = false;
    for (IOException failure : discovery.failures()) {
      damaged = true;
      reportError(out, failure);
    }
    Summary totals = new Summary();
    for (ArchiveSet set : discovery.sets()) {
      try {
        scan(set, out, totals);
      } catch (IOException e) {
        damaged = true;
        reportError(out, e);
      }
    }
    if (summary) {
      totals.print(out);
    }
    out.flush();
    return damaged ? 1 : 0;
  }

  private static void reportError(PrintStream out, IOException e) {
    out.flush();
    System.err.println("pmsql dump: " + e.getMessage());
  }

  private void scan(ArchiveSet set, PrintStream out, Summary totals) throws IOException {
    StringBuilder line = new StringBuilder(256);
    try (ArchiveCursor cursor = set.cursor()) {
      while (cursor.next()) {
        if (cursor.isMark()) {
          if (!summary) {
            line.setLength(0);
            printMark(line, cursor.timestampNanos());
            out.append(line);
          }
          continue;
        }
        ResultRecord r = cursor.record();
        ArchiveMetadata metadata = cursor.metadata();
        for (int s = 0; s < r.setCount(); s++) {
          MetricDesc desc = metadata.desc(r.pmid(s));
          int numval = r.numval(s);
          if (summary) {
            totals.add(desc, r, s, numval);
            continue;
          }
          if (numval < 0) {
            line.setLength(0);
            printError(line, cursor.timestampNanos(), desc, r.pmid(s), numval);
            out.append(line);
          }
          for (int i = 0; i < numval; i++) {
            line.setLength(0);
            printValue(line, cursor, desc, s, i);
            out.append(line);
          }
        }
      }
    }
  }

  private void printMark(StringBuilder sb, long ts) {
    if (format == Format.jsonl) {
      sb.append("{\"ts\":\"").append(Instant.ofEpochSecond(0, ts)).append("\",\"ts_ns\":")
          .append(ts).append(",\"mark\":true}\n");
    } else {
      sb.append(Instant.ofEpochSecond(0, ts)).append("  <mark>\n");
    }
  }

  private void printError(StringBuilder sb, long ts, MetricDesc desc, int pmid, int code) {
    String name = desc == null ? PmTypes.pmidString(pmid) : desc.name();
    if (format == Format.jsonl) {
      sb.append("{\"ts\":\"").append(Instant.ofEpochSecond(0, ts)).append("\",\"ts_ns\":")
          .append(ts).append(",\"metric\":");
      Json.string(sb, name).append(",\"error\":").append(code).append("}\n");
    } else {
      sb.append(Instant.ofEpochSecond(0, ts)).append("  ").append(name)
          .append("  error ").append(code).append('\n');
    }
  }

  private void printValue(StringBuilder sb, ArchiveCursor cursor, MetricDesc desc, int s, int i)
      throws IOException {
    ResultRecord r = cursor.record();
    long ts = cursor.timestampNanos();
    int inst = r.inst(s, i);
    String name = desc == null ? PmTypes.pmidString(r.pmid(s)) : desc.name();
    String instance = inst == PmTypes.IN_NULL || desc == null ? null
        : cursor.metadata().instanceName(desc.indom(), inst, ts);
    if (format == Format.jsonl) {
      sb.append("{\"ts\":\"").append(Instant.ofEpochSecond(0, ts)).append("\",\"ts_ns\":")
          .append(ts).append(",\"metric\":");
      Json.string(sb, name).append(",\"inst\":");
      if (inst == PmTypes.IN_NULL) {
        sb.append("null");
      } else {
        sb.append(inst);
      }
      sb.append(",\"instance\":");
      if (instance == null) {
        sb.append("null");
      } else {
        Json.string(sb, instance);
      }
      sb.append(",\"value\":");
      Values.appendJson(sb, cursor, desc, s, i);
      sb.append("}\n");
    } else {
      sb.append(Instant.ofEpochSecond(0, ts)).append("  ").append(name);
      if (inst != PmTypes.IN_NULL) {
        sb.append("  [").append(inst);
        if (instance != null) {
          sb.append(" \"").append(instance).append('"');
        }
        sb.append(']');
      }
      sb.append("  ");
      Values.appendText(sb, cursor, desc, s, i);
      sb.append('\n');
    }
  }

  /** Per-metric count and sum; integer sums stay exact whatever their size. */
  private static final class Summary {
    private final Map<String, Total> byMetric = new TreeMap<>();
    private MetricDesc lastDesc;
    private Total lastTotal;

    void add(MetricDesc desc, ResultRecord r, int s, int numval) {
      if (numval <= 0) {
        return;
      }
      Total total;
      if (desc != null && desc == lastDesc) {
        total = lastTotal;
      } else {
        String name = desc == null ? PmTypes.pmidString(r.pmid(s)) : desc.name();
        total = byMetric.computeIfAbsent(name, n -> new Total());
        lastDesc = desc;
        lastTotal = total;
      }
      total.count += numval;
      int type = desc == null ? PmTypes.TYPE_UNKNOWN : desc.type();
      if (PmTypes.isInteger(type)) {
        for (int i = 0; i < numval; i++) {
          total.addExact(r.longValue(s, i, type), type == PmTypes.TYPE_U64);
        }
      } else if (PmTypes.isNumeric(type)) {
        for (int i = 0; i < numval; i++) {
          total.floatingSum += r.doubleValue(s, i, type);
        }
        total.floating = true;
      }
    }

    void print(PrintStream out) {
      StringBuilder sb = new StringBuilder();
      byMetric.forEach((name, total) -> {
        sb.setLength(0);
        sb.append("{\"metric\": ");
        Json.string(sb, name).append(", \"count\": ").append(total.count).append(", \"sum\": ");
        total.appendSum(sb);
        sb.append("}\n");
        out.append(sb);
      });
    }
  }

  private static final class Total {
    long count;
    long exactSum;
    BigInteger overflow = BigInteger.ZERO;
    double floatingSum;
    boolean floating;

    void addExact(long v, boolean unsigned) {
      if (unsigned && v < 0) {
        overflow = overflow.add(new BigInteger(Long.toUnsignedString(v)));
        return;
      }
      long sum = exactSum + v;
      if (((exactSum ^ sum) & (v ^ sum)) < 0) {
        overflow = overflow.add(BigInteger.valueOf(exactSum));
        sum = v;
      }
      exactSum = sum;
    }

    void appendSum(StringBuilder sb) {
      BigInteger exact = overflow.add(BigInteger.valueOf(exactSum));
      if (!floating) {
        sb.append(exact);
        return;
      }
      Json.number(sb, floatingSum + exact.doubleValue());
    }
  }
}
