package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * ASOF joins pair each row with the right row nearest in time on the named side, inner and
 * LEFT, with and without keys, the match written either way round; checked against a plain
 * search over the same rows (libpcp's values for the archive's metrics), row for row.
 */
class AsofJoinTest {
  private static final Path ARCHIVE = PcpTools.CORPUS.resolve("20180102");
  private static Connection pmsql;
  private static Connection libpcp;

  @BeforeAll
  static void open() throws Exception {
    pmsql = Sql.connect(ARCHIVE);
    libpcp = LibpcpReference.connect(ARCHIVE, false);
  }

  @AfterAll
  static void close() throws Exception {
    pmsql.close();
    libpcp.close();
  }

  /** A row of either side: its key (null: none), its time, and a value to tell rows apart. */
  private record Row(Object key, long time, Object value) {}

  /**
   * The answer by search: for each left row, the right rows of its key satisfying
   * {@code left OP right}, the nearest of them; unmatched left rows kept with nulls when
   * {@code keep}.
   */
  private static List<String> expected(List<Row> left, List<Row> right, String op,
      boolean keep) {
    List<String> out = new ArrayList<>();
    for (Row l : left) {
      Row best = null;
      for (Row r : right) {
        boolean keyed = l.key() == null && r.key() == null
            || l.key() != null && l.key().equals(r.key());
        boolean ok = switch (op) {
          case ">=" -> l.time() >= r.time();
          case ">" -> l.time() > r.time();
          case "<=" -> l.time() <= r.time();
          default -> l.time() < r.time();
        };
        boolean lookBack = op.startsWith(">");
        if (keyed && ok && (best == null
            || (lookBack ? r.time() >= best.time() : r.time() < best.time()))) {
          best = r;
        }
      }
      if (best != null || keep) {
        out.add(l.time() + "|" + l.value() + "|" + (best == null ? null : best.time()) + "|"
            + (best == null ? null : best.value()));
      }
    }
    out.sort(null);
    return out;
  }

  private static List<String> actual(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    for (Object[] row : Sql.rows(pmsql, sql)) {
      out.add(row[0] + "|" + row[1] + "|" + row[2] + "|" + row[3]);
    }
    out.sort(null);
    return out;
  }

  /** Equal lists of rows, or a failure naming the first that differs (not all of them). */
  private static void same(List<String> want, List<String> got, String sql) {
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      assertEquals(want.get(i), got.get(i), "row " + i + " of " + sql);
    }
    assertEquals(want.size(), got.size(), "rows of " + sql);
  }

  private static List<Row> rows(String sql) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (Object[] r : Sql.rows(libpcp, sql)) {
      rows.add(new Row(r[0], ((Number) r[1]).longValue(), r[2]));
    }
    return rows;
  }

  /** Calcite 1.42's own ASOF join paired a row with the earliest match, not the latest. */
  @Test
  void valuesPairWithTheNearestRow() throws Exception {
    List<Row> left = List.of(new Row(1, 10, "a"), new Row(1, 20, "b"), new Row(2, 15, "c"),
        new Row(3, 1, "d"));
    List<Row> right = List.of(new Row(1, 5, "x"), new Row(1, 12, "y"), new Row(1, 19, "z"),
        new Row(1, 20, "q"), new Row(2, 30, "w"));
    String a = "(VALUES (1, 10, 'a'), (1, 20, 'b'), (2, 15, 'c'), (3, 1, 'd')) AS a(k, t, v)";
    String b = "(VALUES (1, 5, 'x'), (1, 12, 'y'), (1, 19, 'z'), (1, 20, 'q'), (2, 30, 'w'))"
        + " AS b(k, t, v)";
    for (String op : List.of(">=", ">", "<=", "<")) {
      for (boolean keep : new boolean[] {false, true}) {
        String join = (keep ? "LEFT " : "") + "ASOF JOIN ";
        String sql = "SELECT a.t, a.v, b.t, b.v FROM " + a + " " + join + b
            + " MATCH_CONDITION (a.t " + op + " b.t) ON a.k = b.k";
        same(expected(left, right, op, keep), actual(sql), sql);
        String mirrored = "SELECT a.t, a.v, b.t, b.v FROM " + a + " " + join + b
            + " MATCH_CONDITION (b.t " + reverse(op) + " a.t) ON b.k = a.k";
        same(expected(left, right, op, keep), actual(mirrored), mirrored);
      }
    }
  }

  private static String reverse(String op) {
    return op.replace('>', '!').replace('<', '>').replace('!', '<');
  }

  /** Two metrics sampled at their own times, lined up per instance and across instances. */
  @Test
  void metricsLineUpWithTheirLatestSample() throws Exception {
    String loadSql = "SELECT %s, ts_ns, val FROM \"kernel.all.load\"";
    String cpuSql = "SELECT %s, ts_ns, val FROM \"kernel.percpu.cpu.user\"";
    List<Row> load = rows(String.format(loadSql, "instance"));
    List<Row> cpu = rows(String.format(cpuSql, "instance"));
    List<Row> loadKeyless = rows(String.format(loadSql, "CAST(NULL AS VARCHAR)"));
    List<Row> cpuKeyless = rows(String.format(cpuSql, "CAST(NULL AS VARCHAR)"));
    assertTrue(load.size() > 100 && cpu.size() > 100, load.size() + " " + cpu.size());
    for (String op : List.of(">=", ">", "<=", "<")) {
      for (boolean keep : new boolean[] {false, true}) {
        String join = (keep ? " LEFT " : " ") + "ASOF JOIN ";
        String keyless = "SELECT l.ts_ns, l.val, c.ts_ns, c.val FROM \"kernel.all.load\" l"
            + join + "\"kernel.percpu.cpu.user\" c MATCH_CONDITION (l.ts_ns " + op
            + " c.ts_ns)";
        List<String> want = expected(loadKeyless, cpuKeyless, op, keep);
        assertFalse(want.isEmpty(), keyless);
        same(want, actual(keyless), keyless);
        same(want, actual(keyless + " ON TRUE"), keyless + " ON TRUE");
        // instances of the same name: the load's '1 minute' meets no CPU, the CPUs no load
        String keyed = "SELECT l.ts_ns, l.val, c.ts_ns, c.val FROM \"kernel.percpu.cpu.user\" l"
            + join + "\"kernel.percpu.cpu.user\" c MATCH_CONDITION (l.ts_ns " + op
            + " c.ts_ns) ON l.instance = c.instance";
        same(expected(cpu, cpu, op, keep), actual(keyed), keyed);
      }
    }
    assertTrue(Objects.requireNonNull(Sql.explain(pmsql, "SELECT * FROM \"kernel.all.load\" l"
        + " ASOF JOIN \"kernel.percpu.cpu.user\" c MATCH_CONDITION (l.ts >= c.ts)"))
        .contains("PcpAsofJoin"), "the merge join runs");
    assertFalse(Sql.explain(pmsql, "SELECT * FROM \"kernel.all.load\" l ASOF JOIN"
        + " \"kernel.percpu.cpu.user\" c MATCH_CONDITION (l.ts >= c.ts)").contains("Sort"),
        "metrics tables are merged in their time order, not sorted");
  }
}
