package org.pmsql.sqltests.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pmsql.cli.CliRun.pmsql;

import org.junit.jupiter.api.Test;
import org.pmsql.cli.CliRun;
import org.pmsql.sqltests.support.Sql;

/** {@code pmsql query}: its three formats and its one-line errors. */
class QueryCommandTest {
  private static final String SQL = "SELECT instance, count(*) AS n, min(ts) AS first_ts"
      + " FROM vm.\"kernel.all.load\" GROUP BY instance ORDER BY instance";

  @Test
  void tableCsvAndJson() {
    String archives = Sql.sample().toString();
    CliRun table = pmsql("query", "--archives", archives, SQL);
    assertEquals(0, table.exitCode(), table.err());
    assertTrue(table.out().startsWith("instance  | n  | first_ts\n"), table.out());
    assertTrue(table.out().contains("1 minute  | 60 | 2026-11-25 02:23:35.091"), table.out());
    assertTrue(table.out().endsWith("(3 rows)\n"), table.out());

    CliRun csv = pmsql("query", "--archives", archives, "--format", "csv", SQL);
    assertEquals("instance,n,first_ts\n1 minute,60,2026-11-25 02:23:35.091\n"
        + "15 minute,60,2026-11-25 02:23:35.091\n5 minute,60,2026-11-25 02:23:35.091\n",
        csv.out());

    CliRun json = pmsql("query", "--archives", archives, "--format", "json", SQL);
    assertTrue(json.out().startsWith("{\"instance\":\"1 minute\",\"n\":60,"
        + "\"first_ts\":\"2026-11-25 02:23:35.091\"}\n"), json.out());
  }

  @Test
  void errorsAreOneLine() {
    String archives = Sql.sample().toString();
    for (String bad : new String[] {"SELECT * FROM vm.nosuch", "SELECT FROM", "SELECT 1/0",
        "SELECT * FROM vm.metrics WHERE ts > '2018-01-01T15:00:00+25:00'",
        "SELECT * FROM vm.metrics TABLESAMPLE SYSTEM (10)"}) {
      CliRun run = pmsql("query", "--archives", archives, bad);
      assertEquals(1, run.exitCode(), bad);
      assertEquals(1, run.err().lines().count(), run.err());
      assertTrue(run.err().startsWith("pmsql query: "), run.err());
      assertFalse(run.err().contains("\tat ") || run.err().contains("Sets:")
          || run.err().contains("AssertionError") || run.err().contains("Was expecting"),
          run.err());
    }
    // the planner's dump is named as the construct it could not run
    assertTrue(pmsql("query", "--archives", archives, "SELECT * FROM vm.metrics TABLESAMPLE"
        + " SYSTEM (10)").err().contains("no implementation for Sample"));
  }
}
