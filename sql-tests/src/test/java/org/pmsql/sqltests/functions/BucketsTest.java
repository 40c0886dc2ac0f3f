package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code TABLE(<host>.buckets(metric, bucket_seconds, start, end, fill [, zone]))} over
 * 14:15-14:30 of 20180102, where pmlogger restarts leave minutes without values: non-empty
 * buckets hold what GROUP BY time_bucket finds; empty ones are left out, NULL, the previous
 * bucket's figures or the line between their neighbours; zones move the buckets' wall clock.
 */
class BucketsTest {
  private static final String WINDOW = "TIMESTAMP '2018-01-01 14:15:00',"
      + " TIMESTAMP '2018-01-01 14:30:00'";

  private static List<Object[]> buckets(Connection c, String fill) throws Exception {
    return Sql.rows(c, "SELECT bucket_ns, n, mean, low, high FROM TABLE(bozo.buckets("
        + "'kernel.all.load', 60, " + WINDOW + ", '" + fill + "')) WHERE inst = 1"
        + " ORDER BY bucket_ns");
  }

  @Test
  void filledBucketsFollowTheirRule() throws Exception {
    try (Connection c = Sql.connect(PcpTools.corpus().resolve("20180102"))) {
      List<String> grouped = new ArrayList<>();
      for (Object[] row : Sql.rows(c, "SELECT time_bucket(INTERVAL '1' MINUTE, ts) AS b,"
          + " count(*), avg(val) FROM bozo.\"kernel.all.load\" WHERE inst = 1 AND ts >= "
          + "TIMESTAMP '2018-01-01 14:15:00' AND ts < TIMESTAMP '2018-01-01 14:31:00'"
          + " GROUP BY time_bucket(INTERVAL '1' MINUTE, ts) ORDER BY b")) {
        grouped.add(((Timestamp) row[0]).getTime() * 1_000_000L + " " + row[1] + " " + row[2]);
      }
      List<String> none = new ArrayList<>();
      for (Object[] row : buckets(c, "none")) {
        none.add(row[0] + " " + row[1] + " " + row[2]);
      }
      assertEquals(grouped, none);

      List<Object[]> nulls = buckets(c, "null");
      List<Object[]> previous = buckets(c, "previous");
      List<Object[]> linear = buckets(c, "linear");
      assertEquals(16, nulls.size(), "every minute of 14:15-14:30");
      int empty = 0;
      for (int k = 0; k < nulls.size(); k++) {
        if (((Number) nulls.get(k)[1]).longValue() > 0) {
          continue;
        }
        empty++;
        assertNull(nulls.get(k)[2]);
        int before = k - 1;
        while (((Number) nulls.get(before)[1]).longValue() == 0) {
          before--;
        }
        assertEquals(nulls.get(before)[2], previous.get(k)[2], "previous fills from before");
        int after = k + 1;
        while (after < nulls.size() && ((Number) nulls.get(after)[1]).longValue() == 0) {
          after++;
        }
        if (after < nulls.size()) {
          double p = (Double) nulls.get(before)[2];
          double n = (Double) nulls.get(after)[2];
          assertEquals(p + (n - p) * (k - before) / (after - before), (Double) linear.get(k)[2],
              1e-12, "linear between the neighbours");
        } else {
          assertNull(linear.get(k)[2], "no line past the last value");
        }
      }
      assertTrue(empty >= 3, empty + " empty minutes");
    }
  }

  @Test
  void bucketsFollowTheZonesWallClock() throws Exception {
    try (Connection c = Sql.connect(PcpTools.corpus().resolve("20180102"))) {
      // 2018-01-01 13:10-16:24 UTC is the morning of 2 January in Melbourne (UTC+11)
      List<Object[]> days = Sql.rows(c, "SELECT DISTINCT bucket FROM TABLE(bozo.buckets("
          + "'kernel.all.load', 86400, TIMESTAMP '2018-01-01 13:00:00',"
          + " TIMESTAMP '2018-01-01 17:00:00', 'none', 'Australia/Melbourne'))");
      assertEquals(1, days.size());
      assertEquals("2018-01-01T13:00:00Z", instant(days.get(0)[0]));
      // calendar buckets: 2018-01-01 was a Monday; New York's January began at 05:00 UTC
      assertEquals("2018-01-01T00:00:00Z", instant(Sql.rows(c, "SELECT DISTINCT bucket FROM"
          + " TABLE(bozo.buckets('kernel.all.load', '1 week', TIMESTAMP '2018-01-01 13:00:00',"
          + " TIMESTAMP '2018-01-01 17:00:00', 'none'))").get(0)[0]));
      assertEquals("2018-01-01T05:00:00Z", instant(Sql.rows(c, "SELECT DISTINCT bucket FROM"
          + " TABLE(bozo.buckets('kernel.all.load', '1 month', TIMESTAMP '2018-01-01 13:00:00',"
          + " TIMESTAMP '2018-01-01 17:00:00', 'none', 'America/New_York'))").get(0)[0]));
      // India is UTC+05:30: its hours start at half past in UTC
      for (Object[] row : Sql.rows(c, "SELECT DISTINCT EXTRACT(MINUTE FROM bucket) FROM"
          + " TABLE(bozo.buckets('kernel.all.load', 3600, TIMESTAMP '2018-01-01 13:00:00',"
          + " TIMESTAMP '2018-01-01 17:00:00', 'none', 'Asia/Kolkata'))")) {
        assertEquals(30L, ((Number) row[0]).longValue());
      }
    }
  }

  /** A timestamp value as the instant it is (its own toString is on the JVM's zone). */
  private static String instant(Object timestamp) {
    return ((java.sql.Timestamp) timestamp).toInstant().toString();
  }
}
