package org.pmsql.sqltests.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pmsql.testsupport.PcpTools;

/**
 * Counter rates as {@code pmrep -u} prints them (raw records, pmrep's own rate rules), keyed by
 * record time in microseconds and instance name ("" for a singular metric). A key that maps to
 * null is a record where pmrep prints no rate.
 */
public final class PmrepRates {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
  private final Map<String, Double> rates = new HashMap<>();

  private PmrepRates() {}

  public static PmrepRates of(Path archive, List<String> metrics) throws Exception {
    List<String> command = new ArrayList<>(List.of(PcpTools.tool("pmrep").toString(), "-u",
        "-Z", "UTC", "-a", archive.toString(), "-o", "csv", "-P", "9",
        "-f", "%Y-%m-%d %H:%M:%S.%f"));
    command.addAll(metrics);
    PcpTools.Result r = PcpTools.run(120, command.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.output());
    List<String> lines = r.output().lines().toList();
    String[] header = lines.get(0).split(",");
    PmrepRates result = new PmrepRates();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      for (int i = 1; i < header.length; i++) {
        String column = header[i].replace("\"", "");
        String metric = metrics.stream().filter(m -> column.equals(m) || column.startsWith(m + "-"))
            .findFirst().orElseThrow(() -> new AssertionError("pmrep column " + column));
        String instance = column.equals(metric) ? "" : column.substring(metric.length() + 1);
        result.rates.put(key(metric, cells[0], instance),
            cells[i].isEmpty() || cells[i].equals("N/A") ? null : Double.valueOf(cells[i]));
      }
    }
    return result;
  }

  public boolean has(String metric, long tsNanos, String instance) {
    return rates.containsKey(key(metric, tsNanos, instance));
  }

  public Double rate(String metric, long tsNanos, String instance) {
    return rates.get(key(metric, tsNanos, instance));
  }

  /** Every rate pmrep printed. */
  public List<Double> values() {
    return rates.values().stream().filter(Objects::nonNull).toList();
  }

  private static String key(String metric, long tsNanos, String instance) {
    String time = LocalDateTime.ofEpochSecond(Math.floorDiv(tsNanos, 1_000_000_000L),
        (int) Math.floorMod(tsNanos, 1_000_000_000L) / 1000 * 1000, ZoneOffset.UTC)
        .format(MICROS);
    return key(metric, time, instance == null ? "" : instance);
  }

  private static String key(String metric, String time, String instance) {
    return metric + "|" + time + "|" + instance;
  }
}
