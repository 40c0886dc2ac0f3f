package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * pmsql against an independent SQL engine: DuckDB, loaded with libpcp's values of the same
 * archive, answers the same queries, made by a seeded generator (projections, filters on time,
 * metric, instance and value, GROUP BY with count, count(DISTINCT), sum, avg, min, max, HAVING,
 * ORDER BY with LIMIT, window functions, joins on time and instance, ASOF joins both ways,
 * time buckets, exact percentiles and medians, first and last values by time, deriv as the
 * least-squares slope). Results must be equal, floating point within a relative 1e-9. The seed is
 * fixed per run ({@code -Dpmsql.differential.seed} replays another); a failure names the seed,
 * the query in both dialects and the first differing row.
 */
class DuckDbDifferentialTest {
  private static final long SEED = Long.getLong("pmsql.differential.seed", 20261201L);
  private static final double TOLERANCE = 1e-9;
  /** Above this many values an archive is large: each query names some of its metrics. */
  private static final int LARGE = 100_000;

  static Stream<Arguments> archives() {
    // v2 with many instances, strings, events, names with aliases and 64-bit counters; v3;
    // xz-compressed; marks (a logger restart); an old v2 archive
    return Stream.of(Arguments.of("20180102", 300), Arguments.of("omnibus_v3", 400),
        Arguments.of("20190628.06.31", 400), Arguments.of("interpmark", 400),
        Arguments.of("ace_v2", 300));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("archives")
  void answersAsDuckDbDoes(String name, int queries) throws Exception {
    Path archive = PcpTools.corpus().resolve(name);
    LibpcpReference.Dump dump = LibpcpReference.Dump.read(archive, false);
    try (Connection pmsql = Sql.connect(archive);
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      Domain domain = load(duck, dump);
      Random random = new Random(SEED ^ name.hashCode());
      Generator generator = new Generator(random, domain);
      int compared = 0;
      long rows = 0;
      long started = System.nanoTime();
      for (int i = 0; i < queries; i++) {
        Query q = generator.next();
        List<List<Object>> want = run(duck, q.duckdb(), q, "DuckDB");
        List<List<Object>> got = run(pmsql, q.pmsql(), q, "pmsql");
        String where = "seed " + SEED + ", query " + i + " on " + name + "\n  pmsql:  "
            + q.pmsql() + "\n  DuckDB: " + q.duckdb();
        same(want, got, q.ordered(), where);
        compared++;
        rows += want.size();
      }
      System.out.printf("DuckDB differential, %s: %d queries, %d rows, all equal (%.1f s)%n",
          name, compared, rows, (System.nanoTime() - started) / 1e9);
      assertTrue(rows > queries, "queries that return rows: " + rows);
    }
  }

  /** What the generator draws from: the archive's metrics, instances, times and values. */
  record Domain(List<String> metrics, List<String> stringMetrics, List<String> instances,
      List<Long> times, List<Double> numbers, List<String> multiInstanceMetrics, int values) {}

  private static Domain load(Connection duck, LibpcpReference.Dump dump) throws SQLException {
    try (Statement s = duck.createStatement()) {
      s.execute("CREATE TABLE metrics (ts TIMESTAMP, ts_ns BIGINT, metric VARCHAR, inst INTEGER,"
          + " instance VARCHAR, val DOUBLE, val_text VARCHAR, val_exact DECIMAL(38, 0))");
    }
    // DuckDB's appender: row by row inserts of a large archive take minutes
    try (DuckDBAppender append = duck.unwrap(DuckDBConnection.class).createAppender("metrics")) {
      for (Object[] r : dump.rows) {
        long ns = (Long) r[1];
        append.beginRow();
        append.append(LocalDateTime.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L),
            (int) (Math.floorMod(ns, 1_000_000_000L) / 1_000_000 * 1_000_000), ZoneOffset.UTC));
        append.append(ns);
        append.append((String) r[2]);
        for (int column = 3; column <= 7; column++) {
          appendNullable(append, r[column]);
        }
        append.endRow();
      }
    }
    TreeSet<String> metrics = new TreeSet<>();
    TreeSet<String> strings = new TreeSet<>();
    TreeSet<String> instances = new TreeSet<>();
    TreeSet<String> multi = new TreeSet<>();
    TreeSet<Long> times = new TreeSet<>();
    TreeSet<Double> values = new TreeSet<>();
    for (Object[] r : dump.rows) {
      metrics.add((String) r[2]);
      if (r[6] != null && r[5] == null && !((String) r[6]).isEmpty()) {
        strings.add((String) r[2]);
      }
      if (r[4] != null) {
        instances.add((String) r[4]);
        multi.add((String) r[2]);
      }
      times.add((Long) r[1]);
      if (r[5] != null && Double.isFinite((Double) r[5])) {
        values.add((Double) r[5]);
      }
    }
    // event values are bytes pmsql shows and libpcp does not: their text is left out
    metrics.removeIf(m -> dump.descs.values().stream().anyMatch(d ->
        d[6].split(",")[0].equals(m) && (d[2].equals("8") || d[2].equals("9"))));
    strings.retainAll(metrics);
    multi.retainAll(metrics);
    try (Statement s = duck.createStatement()) {
      for (String m : metrics) {
        s.execute("CREATE VIEW \"" + m + "\" AS SELECT ts, ts_ns, inst, instance, val, val_text,"
            + " val_exact FROM metrics WHERE metric = '" + m.replace("'", "''") + "'");
      }
    }
    return new Domain(List.copyOf(metrics), List.copyOf(strings), List.copyOf(instances),
        List.copyOf(times), List.copyOf(values), List.copyOf(multi), dump.rows.size());
  }

  private static void appendNullable(DuckDBAppender append, Object value) throws SQLException {
    if (value == null) {
      append.appendNull();
    } else if (value instanceof Integer i) {
      append.append(i);
    } else if (value instanceof Double d) {
      append.append(d);
    } else if (value instanceof BigDecimal b) {
      append.append(b);
    } else {
      append.append((String) value);
    }
  }

  /** One query in each dialect; {@code ordered}: its ORDER BY fixes the order of its rows. */
  record Query(String pmsql, String duckdb, boolean ordered) {
    static Query same(String sql, boolean ordered) {
      return new Query(sql, sql, ordered);
    }
  }

  private static List<List<Object>> run(Connection c, String sql, Query q, String engine)
      throws SQLException {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          row.add(value(rs, md, i));
        }
        rows.add(row);
      }
    } catch (SQLException e) {
      throw new SQLException(engine + " failed: " + e.getMessage() + "\n  pmsql:  " + q.pmsql()
          + "\n  DuckDB: " + q.duckdb(), e);
    }
    return rows;
  }

  /**
   * A value in a form both engines' answers share: floating point as Double, other numbers as
   * BigDecimal, times as UTC wall-clock LocalDateTime.
   */
  private static Object value(ResultSet rs, ResultSetMetaData md, int i) throws SQLException {
    int type = md.getColumnType(i);
    if (type == Types.TIMESTAMP || type == Types.TIMESTAMP_WITH_TIMEZONE) {
      return rs.getObject(i, LocalDateTime.class);
    }
    Object v = rs.getObject(i);
    if (v == null) {
      return null;
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? d.toString() : d;
    }
    if (v instanceof Float f) {
      return f.doubleValue();
    }
    if (v instanceof Number number) {
      return new BigDecimal(number.toString());
    }
    return v.toString();
  }

  private static void same(List<List<Object>> want, List<List<Object>> got, boolean ordered,
      String where) {
    if (!ordered) {
      want = sorted(want);
      got = sorted(got);
    }
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      if (!equal(want.get(i), got.get(i))) {
        assertEquals(want.get(i).toString(), got.get(i).toString(), "row " + i + ", " + where);
      }
    }
    assertEquals(want.size(), got.size(), "rows, " + where);
  }

  /** Rows sorted by their text, numbers to 12 digits so that near-equal sums sort alike. */
  private static List<List<Object>> sorted(List<List<Object>> rows) {
    List<Map.Entry<String, List<Object>>> keyed = new ArrayList<>(rows.size());
    for (List<Object> row : rows) {
      StringBuilder key = new StringBuilder();
      for (Object v : row) {
        key.append(v instanceof Number n
            ? new BigDecimal(n.toString()).round(new MathContext(12)).stripTrailingZeros()
            : String.valueOf(v)).append('\u0001');
      }
      keyed.add(Map.entry(key.toString(), row));
    }
    keyed.sort(Map.Entry.comparingByKey());
    return keyed.stream().map(Map.Entry::getValue).toList();
  }

  private static boolean equal(List<Object> a, List<Object> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      Object x = a.get(i);
      Object y = b.get(i);
      if (x instanceof Number p && y instanceof Number q) {
        if (p instanceof Double || q instanceof Double) {
          double u = p.doubleValue();
          double v = q.doubleValue();
          if (u != v && Math.abs(u - v) > TOLERANCE * Math.max(1, Math.max(Math.abs(u),
              Math.abs(v)))) {
            return false;
          }
        } else if (((BigDecimal) p).compareTo((BigDecimal) q) != 0) {
          return false;
        }
      } else if (x == null ? y != null : !x.equals(y)) {
        return false;
      }
    }
    return true;
  }

  /** Random queries over the domain, in pmsql's and DuckDB's spelling. */
  private static final class Generator {
    private final Random random;
    private final Domain d;

    Generator(Random random, Domain domain) {
      this.random = random;
      this.d = domain;
    }

    private <T> T pick(List<T> from) {
      return from.get(random.nextInt(from.size()));
    }

    private String metric() {
      return pick(d.metrics());
    }

    private static String quote(String text) {
      return "'" + text.replace("'", "''") + "'";
    }

    private String timeLiteral() {
      long ns = pick(d.times()) + (random.nextInt(3) - 1) * 1_000_000L * random.nextInt(5000);
      LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(0, 0)
          .plusNanos(ns / 1_000_000 * 1_000_000), ZoneOffset.UTC);
      String text = t.toString().replace('T', ' ');
      return "TIMESTAMP '" + (text.length() == 16 ? text + ":00" : text) + "'";
    }

    private String number() {
      double v = pick(d.numbers());
      return random.nextBoolean() ? Double.toString(v) : Long.toString(Math.round(v));
    }

    /** A predicate on the columns of the metrics table, or of a metric's table. */
    private String predicate(boolean metricColumn) {
      int kind = random.nextInt(14);
      if (!metricColumn && kind >= 4 && kind <= 6) {
        kind = 0;
      }
      return switch (kind) {
        case 0 -> "ts > " + timeLiteral();
        case 1 -> "ts <= " + timeLiteral();
        case 2 -> {
          String a = timeLiteral();
          String b = timeLiteral();
          yield "ts BETWEEN " + (a.compareTo(b) < 0 ? a + " AND " + b : b + " AND " + a);
        }
        case 3 -> "ts_ns >= " + pick(d.times());
        case 4 -> "metric = " + quote(metric());
        case 5 -> "metric IN (" + quote(metric()) + ", " + quote(metric()) + ")";
        case 6 -> {
          String m = metric();
          yield "metric LIKE " + quote(m.substring(0, Math.max(1, m.indexOf('.') + 1)) + "%");
        }
        case 7 -> d.instances().isEmpty() ? "instance IS NULL"
            : "instance = " + quote(pick(d.instances()));
        case 8 -> d.instances().isEmpty() ? "inst IS NULL"
            : "instance IN (" + quote(pick(d.instances())) + ", " + quote(pick(d.instances()))
                + ")";
        case 9 -> "val > " + number();
        case 10 -> "val BETWEEN " + number() + " AND " + number();
        case 11 -> random.nextBoolean() ? "val IS NULL" : "inst IS NOT NULL";
        case 12 -> "val_exact > " + Math.round(Math.abs(Double.parseDouble(number())));
        default -> "NOT (" + predicate(metricColumn) + ")";
      };
    }

    private String where() {
      return where(true);
    }

    private String where(boolean metricColumn) {
      int n = 1 + random.nextInt(3);
      List<String> parts = new ArrayList<>();
      if (metricColumn && d.values() > LARGE) {
        // a large archive's queries read a few metrics, so results fit the test's heap
        parts.add("metric IN (" + quote(metric()) + ", " + quote(metric()) + ", "
            + quote(metric()) + ")");
      }
      for (int i = 0; i < n; i++) {
        parts.add(random.nextInt(6) == 0
            ? "(" + predicate(metricColumn) + " OR " + predicate(metricColumn) + ")"
            : predicate(metricColumn));
      }
      return String.join(" AND ", parts);
    }

    Query next() {
      return switch (random.nextInt(12)) {
        case 0, 1 -> projection();
        case 2, 3 -> aggregate();
        case 4 -> limited();
        case 5 -> window();
        case 6 -> join();
        case 7 -> asof();
        case 8 -> buckets();
        case 9 -> percentiles();
        case 10 -> overTime();
        default -> metricTable();
      };
    }

    /**
     * Exact percentiles, by their DuckDB names and in the standard's WITHIN GROUP form, per
     * metric, instance or time bucket.
     */
    private Query percentiles() {
      String f = pick(List.of("0", "0.1", "0.25", "0.5", "0.9", "0.99", "1"));
      String order = random.nextBoolean() ? "val" : "val DESC";
      String aggregates = ", count(val), quantile_cont(val, " + f + "), quantile_disc(val, " + f
          + "), median(val), percentile_cont(" + f + ") WITHIN GROUP (ORDER BY " + order
          + "), percentile_disc(" + f + ") WITHIN GROUP (ORDER BY " + order + ")"
          + " FROM metrics WHERE " + where();
      if (random.nextInt(3) == 0) {
        int minutes = pick(List.of(1, 5, 30));
        return new Query("SELECT time_bucket(INTERVAL '" + minutes + "' MINUTE, ts) AS b, metric"
            + aggregates + " GROUP BY 1, metric", "SELECT time_bucket(to_minutes(" + minutes
            + "), ts) AS b, metric" + aggregates + " GROUP BY 1, metric", false);
      }
      String groups = pick(List.of("metric", "metric, instance"));
      return Query.same("SELECT " + groups + aggregates + " GROUP BY " + groups, false);
    }

    /**
     * A series' first and last values by time, and PromQL's deriv: the least-squares slope
     * over seconds, spelled out for DuckDB (its regr_slope lost seven digits on a counter near
     * 2.8e9 that pmsql's deriv gives to the last one, checked with exact fractions).
     */
    private Query overTime() {
      long origin = d.times().get(0);
      String groups = "metric, instance";
      String where = " WHERE val IS NOT NULL AND " + where();
      String x = "(ts_ns - " + origin + ") / 1e9";
      String series = "PARTITION BY metric, instance";
      return new Query("SELECT " + groups + ", arg_min(val, ts_ns), arg_max(val, ts), count(*),"
          + " deriv(val, ts_ns) FROM metrics" + where + " GROUP BY " + groups,
          "SELECT " + groups + ", arg_min(val, ts_ns), arg_max(val, ts), count(*),"
          + " CASE WHEN count(DISTINCT ts_ns) > 1 THEN sum((x - mx) * (val - my))"
          + " / sum((x - mx) * (x - mx)) END FROM (SELECT *, " + x + " AS x, avg(" + x
          + ") OVER (" + series + ") AS mx, avg(val) OVER (" + series + ") AS my FROM metrics"
          + where + ") GROUP BY " + groups, false);
    }

    private Query projection() {
      String cols = pick(List.of("ts, metric, instance, val", "ts_ns, inst, val_exact",
          "metric, val * 2 + 1, CASE WHEN val > 1 THEN 'big' ELSE 'small' END",
          "DISTINCT metric, instance"));
      return Query.same("SELECT " + cols + " FROM metrics WHERE " + where(), false);
    }

    private Query aggregate() {
      String groups = pick(List.of("metric", "metric, instance", "instance", "inst, metric"));
      String having = random.nextInt(3) == 0 ? " HAVING count(*) > " + random.nextInt(20) : "";
      return Query.same("SELECT " + groups + ", count(*), count(DISTINCT instance), count(val),"
          + " sum(val), avg(val), min(val), max(val), min(ts), max(ts_ns), sum(val_exact),"
          + " avg(inst), avg(val_exact), count(DISTINCT val)"
          + " FROM metrics WHERE " + where() + " GROUP BY " + groups + having, false);
    }

    private Query limited() {
      String dir = random.nextBoolean() ? "DESC" : "ASC";
      return Query.same("SELECT ts_ns, metric, inst, val FROM metrics WHERE " + where()
          + " ORDER BY ts_ns " + dir + ", metric, inst NULLS FIRST, val NULLS LAST LIMIT "
          + (1 + random.nextInt(40)), true);
    }

    private Query window() {
      String m = d.multiInstanceMetrics().isEmpty() ? metric() : pick(d.multiInstanceMetrics());
      String w = "PARTITION BY metric, instance ORDER BY ts_ns";
      return Query.same("SELECT metric, instance, ts_ns, val,"
          + " row_number() OVER (" + w + "),"
          + " lag(val) OVER (" + w + "),"
          + " lead(ts_ns, 2) OVER (" + w + "),"
          + " sum(val) OVER (" + w + " ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),"
          + " count(*) OVER (PARTITION BY metric),"
          + " rank() OVER (PARTITION BY metric ORDER BY val NULLS LAST, ts_ns, instance)"
          + " FROM metrics WHERE metric IN (" + quote(m) + ", " + quote(metric()) + ")", false);
    }

    private Query join() {
      String a = metric();
      String b = metric();
      return Query.same("SELECT a.ts_ns, a.instance, a.val, b.val FROM metrics a JOIN metrics b"
          + " ON a.ts_ns = b.ts_ns AND a.inst = b.inst WHERE a.metric = " + quote(a)
          + " AND b.metric = " + quote(b), false);
    }

    /** Keyed by instance; keyless only over one instance, so every time names one row. */
    private Query asof() {
      String op = pick(List.of(">=", ">", "<=", "<"));
      boolean keep = random.nextBoolean();
      boolean keyed = !d.multiInstanceMetrics().isEmpty() && random.nextBoolean();
      String left = keyed ? pick(d.multiInstanceMetrics()) : metric();
      String right = keyed ? pick(d.multiInstanceMetrics()) : metric();
      String oneInstance = keyed ? ""
          : " AND (inst IS NULL OR inst = (SELECT min(inst) FROM metrics WHERE metric = "
              + quote(right) + "))";
      String a = "(SELECT ts_ns, instance, val FROM metrics WHERE metric = " + quote(left)
          + ")";
      String b = "(SELECT ts_ns, instance, val FROM metrics WHERE metric = " + quote(right)
          + oneInstance + ")";
      String select = "SELECT a.ts_ns, a.instance, a.val, b.ts_ns, b.val FROM " + a + " a ";
      String match = "a.ts_ns " + op + " b.ts_ns";
      String key = "a.instance = b.instance";
      return new Query(select + (keep ? "LEFT ASOF JOIN " : "ASOF JOIN ") + b
          + " b MATCH_CONDITION (" + match + ")" + (keyed ? " ON " + key : ""),
          select + (keep ? "ASOF LEFT JOIN " : "ASOF JOIN ") + b + " b ON "
              + (keyed ? key + " AND " : "") + match, false);
    }

    private Query buckets() {
      int minutes = pick(List.of(1, 5, 10, 30, 60));
      String agg = ", metric, count(*), max(val), min(ts_ns) FROM metrics WHERE " + where()
          + " GROUP BY 1, metric";
      if (random.nextBoolean()) {
        return new Query("SELECT time_bucket(INTERVAL '" + minutes + "' MINUTE, ts)" + agg,
            "SELECT time_bucket(to_minutes(" + minutes + "), ts)" + agg, false);
      }
      String unit = pick(List.of("MINUTE", "HOUR", "DAY"));
      return new Query("SELECT FLOOR(ts TO " + unit + ")" + agg,
          "SELECT date_trunc('" + unit.toLowerCase() + "', ts)" + agg, false);
    }

    private Query metricTable() {
      String m = metric();
      String text = d.stringMetrics().contains(m) ? ", max(val_text)" : "";
      return Query.same("SELECT count(*), count(DISTINCT instance), min(ts), max(val)" + text
          + " FROM \"" + m + "\" WHERE " + where(false), false);
    }
  }
}
