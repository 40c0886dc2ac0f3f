package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * Counts and sums per metric through SQL — the long table, the per-metric tables and the exact
 * column — equal libpcp's reading of the same archives (tools/pcp-oracle).
 */
class SqlAgreesWithLibpcpTest {
  @ParameterizedTest
  @ValueSource(strings = {"SAMPLE", "20041125", "omnibus_v3", "20180416.10.00", "dm-io",
      "20130706"})
  void countsAndSumsPerMetric(String name) throws Exception {
    Path archive = name.equals("SAMPLE") ? Sql.sample() : PcpTools.corpus().resolve(name);
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(archive);
    String host = Sql.host(archive);
    try (Connection c = Sql.connect(archive)) {
      Map<String, Object[]> sql = new TreeMap<>();
      for (Object[] row : Sql.rows(c, "SELECT metric, count(*), sum(val), sum(val_exact) FROM \""
          + host + "\".metrics GROUP BY metric")) {
        sql.put((String) row[0], row);
      }
      assertEquals(libpcp.keySet(), sql.keySet(), "metrics");
      for (var e : libpcp.entrySet()) {
        Object[] row = sql.get(e.getKey());
        LibpcpTotals want = e.getValue();
        assertEquals(want.count, ((Number) row[1]).longValue(), e.getKey() + " count");
        if (row[2] == null) {
          assertEquals(0.0, want.sum(), e.getKey() + " has no numeric values");
          continue;
        }
        double sum = ((Number) row[2]).doubleValue();
        assertEquals(want.sum(), sum, Math.abs(want.sum()) * 1e-12 + 1e-9, e.getKey() + " sum");
        if (!want.floating) {
          assertEquals(new BigDecimal(want.exact), row[3], e.getKey() + " exact sum");
        } else {
          assertNull(row[3], e.getKey() + " is not an integer metric");
        }
      }
      // One table per metric holds the same rows.
      int checked = 0;
      for (var e : libpcp.entrySet()) {
        if (checked++ == 5) {
          break;
        }
        List<Object[]> one = Sql.rows(c, "SELECT count(*) FROM \"" + host + "\".\""
            + e.getKey() + "\"");
        assertEquals(e.getValue().count, ((Number) one.get(0)[0]).longValue(), e.getKey());
      }
    }
  }
}
