package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code time_bucket(INTERVAL, ts [, origin])}: one-minute buckets are FLOOR(ts TO MINUTE);
 * 15-minute buckets hold what their minutes hold; an origin moves the grid; a month is refused.
 */
class TimeBucketTest {
  private static final String LOAD = "bozo.\"kernel.all.load\"";

  @Test
  void bucketsAgreeWithFloorAndNest() throws Exception {
    try (Connection c = Sql.connect(PcpTools.corpus().resolve("20180102"))) {
      assertEquals(0L, ((Number) Sql.rows(c, "SELECT count(*) FROM " + LOAD
          + " WHERE time_bucket(INTERVAL '1' MINUTE, ts) <> FLOOR(ts TO MINUTE)").get(0)[0])
          .longValue());
      List<Object[]> quarters = Sql.rows(c, "SELECT time_bucket(INTERVAL '15' MINUTE, ts) AS b,"
          + " count(*) FROM " + LOAD + " GROUP BY time_bucket(INTERVAL '15' MINUTE, ts)"
          + " ORDER BY b");
      List<Object[]> fromMinutes = Sql.rows(c, "SELECT q, sum(n) FROM (SELECT"
          + " TIMESTAMPADD(MINUTE, -MOD(EXTRACT(MINUTE FROM m), 15), m) AS q, n FROM"
          + " (SELECT FLOOR(ts TO MINUTE) AS m, count(*) AS n FROM " + LOAD
          + " GROUP BY FLOOR(ts TO MINUTE))) GROUP BY q ORDER BY q");
      assertTrue(quarters.size() > 10, quarters.size() + " buckets");
      assertEquals(fromMinutes.size(), quarters.size());
      for (int i = 0; i < quarters.size(); i++) {
        assertEquals(((Timestamp) fromMinutes.get(i)[0]).getTime(),
            ((Timestamp) quarters.get(i)[0]).getTime());
        assertEquals(((Number) fromMinutes.get(i)[1]).longValue(),
            ((Number) quarters.get(i)[1]).longValue());
      }
    }
  }

  @Test
  void anOriginMovesTheGrid() throws Exception {
    try (Connection c = Sql.connect(PcpTools.corpus().resolve("20180102"))) {
      for (Object[] row : Sql.rows(c, "SELECT DISTINCT TIMESTAMPDIFF(SECOND, TIMESTAMP"
          + " '2018-01-01 13:10:00', time_bucket(INTERVAL '7' MINUTE, ts,"
          + " TIMESTAMP '2018-01-01 13:10:00')) FROM " + LOAD)) {
        assertEquals(0, ((Number) row[0]).longValue() % 420, "bucket starts 7k minutes in");
      }
    }
  }

  @Test
  void aMonthHasNoFixedLength() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      SQLException e = assertThrows(SQLException.class, () -> Sql.rows(c,
          "SELECT time_bucket(INTERVAL '1' MONTH, ts) FROM vm.metrics"));
      assertTrue(e.getMessage().contains("month intervals have no fixed length"),
          e.getMessage());
    }
  }
}
