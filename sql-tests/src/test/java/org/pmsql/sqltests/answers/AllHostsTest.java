package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code pcp_all.metrics}: every host as one table with a host column, each host's counts as
 * libpcp's, and a predicate on host keeping the other hosts' archives out of the plan.
 */
class AllHostsTest {
  private static final List<Path> ARCHIVES = List.of(PcpTools.corpus().resolve("20180102"),
      PcpTools.corpus().resolve("20041125"), Sql.sample());

  @Test
  void everyHostWithItsLibpcpCounts() throws Exception {
    List<String> want = new ArrayList<>();
    for (Path archive : ARCHIVES) {
      long values = LibpcpTotals.of(archive).get("kernel.all.load").count;
      want.add(Sql.host(archive) + " " + values);
    }
    want.sort(null);
    try (Connection c = Sql.connect(ARCHIVES.toArray(new Path[0]))) {
      List<String> got = new ArrayList<>();
      for (Object[] row : Sql.rows(c, "SELECT host, count(*) FROM pcp_all.metrics"
          + " WHERE metric = 'kernel.all.load' GROUP BY host ORDER BY host")) {
        got.add(row[0] + " " + row[1]);
      }
      assertEquals(want, got);
    }
  }

  @Test
  void aHostPredicateReadsOnlyThatHost() throws Exception {
    try (Connection c = Sql.connect(ARCHIVES.toArray(new Path[0]))) {
      String plan = Sql.explain(c, "SELECT count(*) FROM pcp_all.metrics WHERE host = 'bozo'"
          + " AND metric = 'kernel.all.load'");
      assertTrue(plan.contains("table=[[bozo, metrics]]"), plan);
      assertTrue(plan.contains("pushed=[metric IN [kernel.all.load]]"), plan);
      assertFalse(plan.contains("mortenb") || plan.contains("[vm, metrics]"), plan);
    }
  }
}
