package org.pmsql.sql.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.sql.Planned;

/**
 * The scan rules at work on a pmsql connection: EXPLAIN shows what reached the scan, and the
 * pushed query counts what the same query counts with nothing pushed.
 */
class ScanRulesTest {
  private static Planned pmsql;
  private static String first;
  private static String middle;

  @BeforeAll
  static void open() throws Exception {
    pmsql = Planned.pmsql();
    first = pmsql.column("SELECT CAST(min(ts) AS VARCHAR) FROM metrics").get(0);
    middle = pmsql.column("SELECT CAST(TIMESTAMPADD(SECOND, TIMESTAMPDIFF(SECOND, min(ts),"
        + " max(ts)) / 2, min(ts)) AS VARCHAR) FROM metrics").get(0);
  }

  @AfterAll
  static void close() throws Exception {
    pmsql.close();
  }

  private static void pushedAndExact(String where, String... inPlan) throws Exception {
    String plan = pmsql.plan("SELECT count(*) FROM metrics WHERE " + where);
    for (String part : inPlan) {
      assertTrue(plan.contains(part), "'" + part + "' in\n" + plan);
    }
    List<String> pushed = pmsql.column("SELECT count(*) FROM metrics WHERE " + where);
    // a filter does not pass a LIMIT, so here the scan reads every row
    String whole = "SELECT count(*) FROM (SELECT * FROM metrics LIMIT 100000000) WHERE " + where;
    List<String> unpushed = pmsql.column(whole);
    assertTrue(pmsql.plan(whole).contains("pushed=[all]"), pmsql.plan(whole));
    assertEquals(unpushed, pushed, where);
    assertTrue(Long.parseLong(pushed.get(0)) > 0, "some rows match " + where);
  }

  @Test
  void aTimeRangeBecomesTheScansWindow() throws Exception {
    pushedAndExact("ts >= TIMESTAMP '" + middle + "'", "pushed=[ts>=[L");
    pushedAndExact("ts BETWEEN TIMESTAMP '" + first + "' AND TIMESTAMP '" + middle + "'",
        "ts>=[L", "ts<=[L");
  }

  @Test
  void metricNamesAndPrefixesReachTheScan() throws Exception {
    pushedAndExact("metric = 'kernel.all.load'", "metric IN [kernel.all.load]");
    pushedAndExact("metric IN ('kernel.all.load', 'mem.util.used')",
        "metric IN [kernel.all.load, mem.util.used]");
    pushedAndExact("metric LIKE 'kernel.%'", "metric LIKE [kernel.]");
  }

  @Test
  void instancesReachTheScanOfOneMetric() throws Exception {
    String plan = pmsql.plan("SELECT val FROM \"kernel.all.load\" WHERE instance = '1 minute'");
    assertTrue(plan.contains("metric IN [kernel.all.load], instance IN [1 minute]"), plan);
    assertEquals(pmsql.column("SELECT count(*) FROM \"kernel.all.load\" WHERE inst = 1"),
        pmsql.column("SELECT count(*) FROM \"kernel.all.load\" WHERE instance = '1 minute'"));
  }

  @Test
  void onlyTheColumnsAQueryUsesAreRead() throws Exception {
    String plan = pmsql.plan("SELECT ts, val FROM metrics WHERE metric = 'kernel.all.load'");
    assertTrue(plan.contains("columns=[[ts, metric, val]]"), plan);
    assertTrue(!plan.contains("val_text") && !plan.contains("rate"), plan);
  }
}
