package org.pmsql.sqltests;

import org.junit.jupiter.api.Test;
import java.util.Arrays;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.time.LocalDateTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.archive.PcpTools;

/**
 * The rate column against {@code pmrep -u} (raw records, pmrep's own counter-rate rules) on the
 * same archive: same value at every record, and no value where pmrep has none (first sample,
 * after a mark, a counter that went down).
 */
class RateTest {
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "SAMPLE, disk.dev.read",
    "SAMPLE, kernel.all.cpu.user",
    "SAMPLE, network.interface.in.bytes",
    "pmiostat_mark, disk.dev.read",
    "pmiostat_mark, kernel.all.cpu.sys",
    "20041125, kernel.percpu.cpu.user",
  })
  void rateEqualsPmrep(String name, String metric) throws Exception {
    Path archive = name.equals("SAMPLE") ? Sql.sample() : PcpTools.corpus().resolve(name);
    PcpTools.Result r = PcpTools.run(120, PcpTools.tool("pmrep").toString(), "-u", "-Z", "UTC",
        "-a", archive.toString(), "-o", "csv", "-P", "9", "-f", "%Y-%m-%d %H:%M:%S.%f", metric);
    assertEquals(0, r.exitCode(), r.output());
    List<String> lines = r.output().lines().toList();
    String[] header = lines.get(0).split(",");
    Map<String, Double> expected = new HashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", -1);
      for (int i = 1; i < header.length; i++) {
        String column = header[i].replace("\"", "");
        String instance = column.equals(metric) ? "" : column.substring(metric.length() + 1);
        expected.put(cells[0] + "|" + instance,
            cells[i].isEmpty() || cells[i].equals("N/A") ? null : Double.valueOf(cells[i]));
      }
    }
    int compared = 0;
    int withValue = 0;
    try (Connection c = Sql.connect(archive)) {
      String host = Sql.host(archive);
      for (Object[] row : Sql.rows(c, "SELECT ts_ns, instance, rate FROM \"" + host + "\".\""
          + metric + "\"")) {
        long ns = (Long) row[0];
        String time = LocalDateTime.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L),
            (int) Math.floorMod(ns, 1_000_000_000L) / 1000 * 1000, ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS"));
        String key = time + "|" + (row[1] == null ? "" : row[1]);
        if (!expected.containsKey(key)) {
          continue;
        }
        compared++;
        Double want = expected.get(key);
        if (want == null) {
          assertNull(row[2], key + ": pmrep has no rate");
        } else {
          withValue++;
          double got = ((Number) row[2]).doubleValue();
          assertEquals(want, got, Math.abs(want) * 1e-8 + 1e-8, key);
        }
      }
    }
    assertTrue(withValue > 10, "compared " + compared + " rows, " + withValue + " with a rate");
  }

  /** A window's first rates come from values before it, as over the whole archive. */
  @Test
  void windowRatesEqualWholeArchiveRates() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      List<Object[]> whole = Sql.rows(c, "SELECT ts_ns, instance, rate FROM vm.\"disk.dev.read\"");
      Object[] middle = whole.get(whole.size() / 2);
      List<Object[]> window = Sql.rows(c, "SELECT ts_ns, instance, rate FROM vm.\"disk.dev.read\""
          + " WHERE ts_ns >= " + middle[0]);
      assertEquals(Arrays.asList(middle), Arrays.asList(window.get(0)));
      assertTrue(window.get(0)[2] != null, "first rate in the window");
    }
  }
}
