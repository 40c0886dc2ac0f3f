package org.pmsql.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * pmsql's planning belongs to pmsql's connections: a plain Calcite connection in the same JVM,
 * as a host application opens one, is planned as Calcite plans it, before and after a pmsql
 * connection has planned the same query.
 */
class PcpPrepareTest {
  private static final String ASOF = "SELECT l.ts, c.val FROM \"kernel.all.load\" l"
      + " ASOF JOIN \"kernel.all.cpu.user\" c MATCH_CONDITION (l.ts >= c.ts) ON TRUE";
  private static final String FILTERED =
      "SELECT count(*) FROM metrics WHERE metric = 'kernel.all.load'";
  private static final String TUMBLE = "SELECT TUMBLE_START(ts, INTERVAL '1' MINUTE), count(*)"
      + " FROM metrics GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)";

  @Test
  void rulesAndRewritesReachPmsqlConnectionsOnly() throws Exception {
    try (Planned calcite = Planned.calcite(); Planned pmsql = Planned.pmsql()) {
      assertFalse(calcite.plan(ASOF).contains("PcpAsofJoin"), calcite.plan(ASOF));
      assertTrue(pmsql.plan(ASOF).contains("PcpAsofJoin"), pmsql.plan(ASOF));
      assertFalse(calcite.plan(ASOF).contains("PcpAsofJoin"), "after pmsql planned it");

      assertTrue(pmsql.plan(FILTERED).contains("metric IN [kernel.all.load]"));
      assertFalse(calcite.plan(FILTERED).contains("metric IN"), calcite.plan(FILTERED));
      assertEquals(pmsql.column(FILTERED), calcite.column(FILTERED), "the same answer");

      assertFalse(pmsql.column(TUMBLE).isEmpty());
      // Calcite alone leaves the $TUMBLE key it has no code for
      assertThrows(SQLException.class, () -> calcite.column(TUMBLE));
    }
  }
}
