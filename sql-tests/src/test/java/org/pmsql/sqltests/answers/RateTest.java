package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.sqltests.support.PmrepRates;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

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
    PmrepRates pmrep = PmrepRates.of(archive, List.of(metric));
    int compared = 0;
    int withValue = 0;
    try (Connection c = Sql.connect(archive)) {
      String host = Sql.host(archive);
      for (Object[] row : Sql.rows(c, "SELECT ts_ns, instance, rate FROM \"" + host + "\".\""
          + metric + "\"")) {
        long ns = (Long) row[0];
        String instance = (String) row[1];
        if (!pmrep.has(metric, ns, instance)) {
          continue;
        }
        String key = ns + " " + instance;
        compared++;
        Double want = pmrep.rate(metric, ns, instance);
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
