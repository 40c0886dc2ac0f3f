package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * Queries that once gave wrong answers, each answered by pmsql and by libpcp's values of the
 * same archive (served in pmsql's table shapes) and compared row for row.
 */
class AnswersTest {
  private static final Path ARCHIVE = PcpTools.CORPUS.resolve("20180102");
  private static Connection pmsql;
  private static Connection libpcp;
  private static String host;

  @BeforeAll
  static void open() throws Exception {
    pmsql = Sql.connect(ARCHIVE);
    libpcp = LibpcpReference.connect(ARCHIVE, false);
    host = Sql.host(ARCHIVE);
  }

  @AfterAll
  static void close() throws Exception {
    pmsql.close();
    libpcp.close();
  }

  private static void sameAnswer(String sql) throws Exception {
    List<Object[]> expected = Sql.rows(libpcp, sql);
    List<Object[]> actual = Sql.rows(pmsql, sql);
    assertEquals(Sql.show(expected), Sql.show(actual), sql);
  }

  /** count(*) beside count(DISTINCT ...) is computed over grouping sets; the total was lost. */
  @Test
  void countBesideCountDistinct() throws Exception {
    sameAnswer("SELECT count(*), count(DISTINCT instance), min(ts), max(ts) FROM \"" + host
        + "\".\"kernel.all.load\"");
    sameAnswer("SELECT count(*), count(DISTINCT instance), count(DISTINCT inst) FROM \"" + host
        + "\".\"kernel.all.load\"");
    sameAnswer("SELECT count(*), count(DISTINCT metric) FROM \"" + host + "\".metrics");
  }

  /**
   * Instance names are process command lines here, some holding ';', quotes and newlines: a
   * pushed instance predicate travelled as text split at ';' and broke the scan. (Names
   * beyond Latin-1, which Calcite's literals cannot hold, are compared as parameters.)
   */
  @Test
  void instanceNamesWithSeparators() throws Exception {
    Path archive = PcpTools.CORPUS.resolve("procpid-encode2");
    try (Connection ours = Sql.connect(archive);
        Connection theirs = LibpcpReference.connect(archive, false)) {
      List<Object[]> names = Sql.rows(theirs, "SELECT instance, metric, count(*) FROM metrics"
          + " WHERE instance LIKE '%;%' GROUP BY instance, metric ORDER BY instance, metric");
      assertTrue(names.size() >= 2, "values of instances named with ';': " + names.size());
      for (Object[] name : names) {
        String text = (String) name[0];
        List<Object[]> count = List.<Object[]>of(new Object[] {name[2]});
        if (text.chars().allMatch(ch -> ch < 256)) {
          String literal = "'" + text.replace("'", "''") + "'";
          assertEquals(Sql.show(count), Sql.show(Sql.rows(ours, "SELECT count(*) FROM metrics"
              + " WHERE metric = '" + name[1] + "' AND instance IN (" + literal + ", 'x;y')")),
              literal);
        }
        try (java.sql.PreparedStatement p = ours.prepareStatement(
            "SELECT count(*) FROM metrics WHERE metric = ? AND instance = ?")) {
          p.setString(1, (String) name[1]);
          p.setString(2, text);
          assertEquals(Sql.show(count), Sql.show(Sql.rows(p.executeQuery())), text);
        }
      }
    }
  }

  /**
   * A metric with several names: its values carry the name libpcp reports (pmNameID), and
   * every other name finds them too, as a predicate and as a table; descs lists the others.
   */
  @Test
  void metricsWithSeveralNames() throws Exception {
    sameAnswer("SELECT metric, count(*), sum(val) FROM metrics GROUP BY metric ORDER BY metric");
    List<Object[]> aliased = Sql.rows(libpcp, "SELECT metric, aliases FROM descs"
        + " WHERE aliases IS NOT NULL ORDER BY metric");
    assertTrue(aliased.size() >= 4, "metrics with several names: " + aliased.size());
    for (Object[] metric : aliased) {
      long values = (Long) Sql.rows(libpcp, "SELECT count(*) FROM metrics WHERE metric = '"
          + metric[0] + "'").get(0)[0];
      Object[] ours = Sql.rows(pmsql, "SELECT aliases FROM descs WHERE metric = '"
          + metric[0] + "'").get(0);
      assertEquals(new TreeSet<>(List.of(((String) metric[1]).split(", "))),
          new TreeSet<>(List.of(((String) ours[0]).split(", "))), "aliases of " + metric[0]);
      for (String alias : ((String) metric[1]).split(", ")) {
        assertEquals(Sql.show(List.<Object[]>of(new Object[] {alias, values})),
            Sql.show(Sql.rows(pmsql, "SELECT metric, count(*) FROM metrics WHERE metric = '"
                + alias + "' GROUP BY metric")), alias);
        assertEquals(values, ((Number) Sql.rows(pmsql, "SELECT count(*) FROM \"" + alias
            + "\"").get(0)[0]).longValue(), "table " + alias);
      }
    }
  }

  /** An unsigned 64-bit value has 20 digits; DECIMAL(19) made Spark abort the job. */
  @Test
  void unsignedValuesKeepEveryDigit() throws Exception {
    sameAnswer("SELECT metric, count(*), min(val_exact), max(val_exact) FROM metrics"
        + " WHERE val_exact > 9223372036854775807 GROUP BY metric ORDER BY metric");
    try (ResultSet rs = pmsql.createStatement().executeQuery(
        "SELECT val_exact FROM metrics WHERE val_exact > 9223372036854775807")) {
      assertEquals(20, rs.getMetaData().getPrecision(1));
      assertEquals(0, rs.getMetaData().getScale(1));
      assertTrue(rs.next());
      assertEquals(new BigDecimal("18446744073709551615"), rs.getBigDecimal(1));
    }
  }
}
