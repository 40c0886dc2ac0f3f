package org.pmsql.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What pmrep prints for one metric of an archive sampled every so many seconds. */
public final class Pmrep {
  private Pmrep() {}

  /**
   * pmrep's cells ({@code -t STEP}, UTC, 9 decimals; {@code -r} for raw values instead of
   * counter rates), keyed "yyyy-MM-dd HH:mm:ss.ffffff column" where the column is the metric, or
   * "metric-instance name"; empty and N/A cells (no value) are left out.
   */
  public static Map<String, String> cells(Path archive, double stepSeconds, String metric,
      boolean raw) throws Exception {
    List<String> options = new ArrayList<>(List.of("-t", stepSeconds + "sec"));
    if (raw) {
      options.add("-r");
    }
    return cells(archive, options, metric);
  }

  /** The same with other pmrep options, such as -u -r (every record, raw) or -b byte. */
  public static Map<String, String> cells(Path archive, List<String> options, String metric)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(PcpTools.tool("pmrep").toString(),
        "-a", archive.toString(), "-Z", "UTC", "-o", "csv", "-P", "9",
        "-f", "%Y-%m-%d %H:%M:%S.%f"));
    command.addAll(options);
    command.add(metric);
    PcpTools.Result r = PcpTools.run(120, command.toArray(new String[0]));
    assertEquals(0, r.exitCode(), r.output());
    List<String> lines = r.output().lines().toList();
    List<String> header = csv(lines.get(0));
    Map<String, String> cells = new TreeMap<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> row = csv(line);
      for (int i = 1; i < header.size(); i++) {
        String cell = row.get(i);
        if (!cell.isEmpty() && !cell.equals("N/A")) {
          cells.put(row.get(0) + " " + header.get(i), cell);
        }
      }
    }
    return cells;
  }

  private static List<String> csv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
