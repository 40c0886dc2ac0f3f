package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;

/**
 * Every predicate shape the planner hands the metrics table reaches the scan (EXPLAIN shows
 * it), and the pushed query returns exactly the rows a full scan filtered here returns.
 */
class PushDownTest {
  private static Connection c;
  private static String table;
  /** Every row of the sample archive: ts_ns, metric. */
  private static List<Object[]> all;
  private static long first;
  private static long last;

  @BeforeAll
  static void open() throws Exception {
    c = Sql.connect(Sql.sample());
    table = Sql.host(Sql.sample()) + ".metrics";
    all = Sql.rows(c, "SELECT ts_ns, metric FROM " + table);
    first = (Long) all.get(0)[0];
    last = (Long) all.get(all.size() - 1)[0];
    assertTrue(all.size() > 1000, "sample archive rows: " + all.size());
  }

  @AfterAll
  static void close() throws Exception {
    c.close();
  }

  private static long count(Predicate<Object[]> p) {
    return all.stream().filter(p).count();
  }

  private static long sqlCount(String where) throws Exception {
    return ((Number) Sql.rows(c, "SELECT count(*) FROM " + table + " WHERE " + where)
        .get(0)[0]).longValue();
  }

  private static String ts(long nanos) {
    return "TIMESTAMP '" + new Timestamp(nanos / 1_000_000L).toInstant().toString()
        .replace('T', ' ').replace("Z", "") + "'";
  }

  private static long mid() {
    return first + (last - first) / 2;
  }

  @Test
  void greaterThanTimestampSeeks() throws Exception {
    String where = "ts > " + ts(mid());
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE " + where)
        .contains("pushed=[ts>=[L"), "pushed");
    long cut = (mid() / 1_000_000L + 1) * 1_000_000L;
    assertEquals(count(r -> (Long) r[0] >= cut), sqlCount(where));
  }

  @Test
  void betweenBecomesAWindow() throws Exception {
    long a = first + (last - first) / 4;
    long b = first + 3 * (last - first) / 4;
    String where = "ts BETWEEN " + ts(a) + " AND " + ts(b);
    String plan = Sql.explain(c, "SELECT metric FROM " + table + " WHERE " + where);
    assertTrue(plan.contains("ts>=[L") && plan.contains("ts<=[L"), plan);
    long lo = a / 1_000_000L * 1_000_000L;
    long hi = (b / 1_000_000L + 1) * 1_000_000L;
    assertEquals(count(r -> (Long) r[0] >= lo && (Long) r[0] < hi), sqlCount(where));
  }

  @Test
  void dynamicParametersAreBoundAtRunTime() throws Exception {
    String sql = "SELECT count(*) FROM " + table + " WHERE ts >= ? AND ts < ?";
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE ts >= ? AND ts < ?")
        .contains("ts>=[P0@0], ts<=[P1@0]"));
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (long[] w : new long[][] {{first, mid()}, {mid(), last + 1_000_000L}}) {
        long lo = w[0] / 1_000_000L;
        long hi = w[1] / 1_000_000L;
        ps.setTimestamp(1, new Timestamp(lo));
        ps.setTimestamp(2, new Timestamp(hi));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          long want = count(r -> (Long) r[0] / 1_000_000L >= lo && (Long) r[0] / 1_000_000L < hi);
          assertEquals(want, rs.getLong(1));
        }
      }
    }
  }

  /**
   * A prepared statement's metric parameter prunes as a literal does: it read every metric of
   * every record before (a values request of the pmproxy API took 11 s instead of 1.6 s).
   */
  @Test
  void aMetricParameterIsBoundAtRunTime() throws Exception {
    String plan = Sql.explain(c, "SELECT * FROM " + table + " WHERE metric = ? AND ts >= ?"
        + " ORDER BY ts_ns, inst");
    assertTrue(plan.contains("metric = [?0]"), plan);
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table
        + " WHERE metric = ? AND ts >= ?")) {
      for (String metric : new String[] {"kernel.all.load", "hinv.ncpu", "no.such.metric"}) {
        ps.setString(1, metric);
        ps.setTimestamp(2, new Timestamp(first / 1_000_000L));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertEquals(count(r -> r[1].equals(metric)), rs.getLong(1), metric);
        }
      }
      ps.setString(1, null);
      ps.setTimestamp(2, new Timestamp(first / 1_000_000L));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals(0, rs.getLong(1), "metric = NULL holds for no row");
      }
    }
  }

  @Test
  void currentTimestampMinusIntervalIsEvaluatedAtRunTime() throws Exception {
    String where = "ts > CURRENT_TIMESTAMP - INTERVAL '3650' DAY";
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE " + where)
        .contains("ts>=[C0@-315360000000]"));
    assertEquals(all.size(), sqlCount(where));
    assertEquals(0, sqlCount("ts > CURRENT_TIMESTAMP + INTERVAL '1' DAY"));
  }

  @Test
  void metricEqualityInAndLikePrefixPrune() throws Exception {
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE metric = 'kernel.all.load'")
        .contains("metric IN [kernel.all.load]"));
    assertEquals(count(r -> r[1].equals("kernel.all.load")),
        sqlCount("metric = 'kernel.all.load'"));
    String in = "metric IN ('mem.util.free', 'hinv.ncpu')";
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE " + in)
        .contains("metric IN [hinv.ncpu, mem.util.free]"));
    assertEquals(count(r -> r[1].equals("mem.util.free") || r[1].equals("hinv.ncpu")),
        sqlCount(in));
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE metric LIKE 'kernel.%'")
        .contains("metric LIKE [kernel.]"));
    assertEquals(count(r -> ((String) r[1]).startsWith("kernel.")),
        sqlCount("metric LIKE 'kernel.%'"));
  }

  @Test
  void instancePredicatesPrune() throws Exception {
    String byName = "instance IN ('1 minute', '15 minute')";
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE " + byName)
        .contains("instance IN [1 minute, 15 minute]"));
    assertEquals(120, sqlCount(byName));
    String byId = "inst = 5 AND metric = 'kernel.all.load'";
    assertTrue(Sql.explain(c, "SELECT * FROM " + table + " WHERE " + byId)
        .contains("inst IN [5]"));
    assertEquals(60, sqlCount(byId));
    assertEquals(Sql.rows(c, "SELECT count(*) FROM vm.\"kernel.all.load\" WHERE inst + 0 = 5")
        .get(0)[0], Sql.rows(c, "SELECT count(*) FROM vm.\"kernel.all.load\" WHERE inst = 5")
        .get(0)[0]);
  }

  @Test
  void nanosecondBoundsAndCombinedPredicates() throws Exception {
    long m = mid();
    String where = "ts_ns >= " + m + " AND metric LIKE 'network.%' AND val >= 0";
    String plan = Sql.explain(c, "SELECT * FROM " + table + " WHERE " + where);
    assertTrue(plan.contains("ts>=[L") && plan.contains("metric LIKE [network.]"), plan);
    assertEquals(count(r -> (Long) r[0] >= m && ((String) r[1]).startsWith("network.")),
        sqlCount(where));
  }

  @Test
  void onlyProjectedColumnsAreProduced() throws Exception {
    String plan = Sql.explain(c, "SELECT sum(val) FROM " + table);
    assertTrue(plan.contains("columns=[[val]]"), plan);
    String countPlan = Sql.explain(c, "SELECT count(*) FROM " + table);
    assertTrue(countPlan.contains("columns=[[ts_ns]]"), countPlan);
  }

  @Test
  void unknownTablesAndColumnsAreClearErrors() {
    List<String> messages = new ArrayList<>();
    for (String bad : List.of("SELECT * FROM nosuchhost.metrics", "SELECT nosuch FROM " + table,
        "SELEC 1")) {
      try {
        Sql.rows(c, bad);
      } catch (Exception e) {
        messages.add(String.valueOf(e.getMessage()));
      }
    }
    assertEquals(3, messages.size());
    assertTrue(messages.get(0).contains("NOSUCHHOST") || messages.get(0).contains("nosuchhost"),
        messages.get(0));
    assertTrue(messages.get(1).contains("nosuch"), messages.get(1));
    assertTrue(messages.get(2).contains("SELEC"), messages.get(2));
  }
}
