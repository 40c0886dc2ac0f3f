package org.pmsql.sqltests.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.PmrepRates;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * The README's main-job command, run as a newcomer would (bash, from the checkout), prints
 * libpcp's count and mean for every metric and pmrep's peak rate for every counter.
 */
class ReadmeTest {
  @Test
  void mainJobPrintsWhatLibpcpSays() throws Exception {
    Path root = PcpTools.repositoryRoot();
    String command = Files.readAllLines(root.resolve("README.md")).stream()
        .filter(l -> l.startsWith("./pmsql ")).findFirst()
        .orElseThrow(() -> new AssertionError("README has no ./pmsql command"));
    PcpTools.Result run = PcpTools.run(600, "bash", "-c", "cd '" + root + "' && " + command);
    assertEquals(0, run.exitCode(), run.output());

    Map<String, String[]> printed = new HashMap<>();
    for (String line : run.output().lines().toList()) {
      String[] cells = line.split("\\|", -1);
      if (cells.length == 4 && !cells[0].trim().equals("metric")) {
        printed.put(cells[0].trim(), new String[] {cells[1].trim(), cells[2].trim(),
            cells[3].trim()});
      }
    }
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(Sql.sample());
    assertEquals(libpcp.keySet(), printed.keySet(), run.output());
    List<String> counters = new ArrayList<>();
    libpcp.forEach((metric, want) -> {
      String[] got = printed.get(metric);
      assertEquals(Long.toString(want.count), got[0], metric);
      if (!got[1].isEmpty()) {
        assertEquals(want.sum() / want.count, Double.parseDouble(got[1]),
            Math.abs(want.sum() / want.count) * 1e-12, metric);
      }
      if (!got[2].isEmpty()) {
        counters.add(metric);
      }
    });
    assertTrue(counters.size() >= 5, "counters with a peak rate: " + counters);
    for (String metric : counters) {
      double peak = PmrepRates.of(Sql.sample(), List.of(metric)).values().stream()
          .mapToDouble(Double::doubleValue).max().orElseThrow();
      double got = Double.parseDouble(printed.get(metric)[2]);
      assertEquals(peak, got, Math.abs(peak) * 1e-8 + 1e-8, metric);
    }
  }
}
