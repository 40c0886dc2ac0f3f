package org.pmsql.pgsql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL's spellings as pmsql's SQL reads them. */
class PgDialectTest {
  private static final PgDialect.Session SESSION = new PgDialect.Session() {
    @Override
    public String setting(String name) {
      return switch (name) {
        case "server_version_num" -> "150000";
        case "search_path" -> "\"$user\", vm";
        default -> null;
      };
    }

    @Override
    public String schema() {
      return "vm";
    }

    @Override
    public String user() {
      return "alice";
    }

    @Override
    public int processId() {
      return 1234;
    }
  };

  private static PgDialect.Translation translate(String sql) {
    return PgDialect.translate(PgLexer.statements(sql).get(0), SESSION);
  }

  private static String sql(String sql) {
    return translate(sql).sql();
  }

  @Test
  void numberedParametersBecomePositionalInTheirOrder() {
    PgDialect.Translation t = translate("SELECT * FROM m WHERE ts > $2 AND metric = $1 OR ts < $2");
    assertEquals("SELECT * FROM m WHERE ts > ? AND metric = ? OR ts < ?", t.sql());
    assertArrayEquals(new int[] {2, 1, 2}, t.parameterOrder());
    assertEquals(2, t.parameterCount());
  }

  @Test
  void castsBindTheirOperandNotTheComparison() {
    assertEquals("SELECT * FROM m WHERE ts > CAST('2026-01-01' AS TIMESTAMP)",
        sql("SELECT * FROM m WHERE ts > '2026-01-01'::timestamptz"));
    assertEquals("SELECT CAST(CAST(c.reloftype AS INTEGER) AS VARCHAR)",
        sql("SELECT c.reloftype::pg_catalog.regtype::pg_catalog.text"));
    assertEquals("SELECT CAST(count(*) AS BIGINT), CAST((a + b) AS DOUBLE)",
        sql("SELECT count(*)::int8, (a + b)::double precision"));
    assertEquals("SELECT CAST(x AS VARCHAR), CAST(y AS DECIMAL(20,0))",
        sql("SELECT CAST(x AS text), CAST(y AS numeric(20,0))"));
  }

  @Test
  void intervalsInPostgresqlsWords() {
    assertEquals("SELECT ts - INTERVAL '5' MINUTE", sql("SELECT ts - interval '5 minutes'"));
    assertEquals("SELECT (INTERVAL '1' DAY + INTERVAL '2' HOUR)",
        sql("SELECT interval '1 day 2 hours'"));
    assertEquals("SELECT INTERVAL '14' DAY", sql("SELECT '2 weeks'::interval"));
    assertEquals("SELECT INTERVAL '5' MINUTE", sql("SELECT INTERVAL '5' MINUTE"));
    assertEquals("SELECT time_bucket(INTERVAL '300.000' SECOND,ts)",
        sql("SELECT time_bucket('300.000s',ts)"));
  }

  @Test
  void catalogSpellingsOfPsqlAndDrivers() {
    assertEquals("WHERE c.relname  ~  '^(kernel\\.all\\.load)$' ",
        sql("WHERE c.relname OPERATOR(pg_catalog.~) E'^(kernel\\\\.all\\\\.load)$' COLLATE"
            + " pg_catalog.default"));
    assertEquals("SELECT '150000', 'vm', 'pcp', 1234, 'alice', CURRENT_TIMESTAMP",
        sql("SELECT current_setting('server_version_num'), current_schema(),"
            + " pg_catalog.current_database(), pg_backend_pid(), current_user, now()"));
    assertEquals("SELECT (ARRAY['pg_catalog', 'vm'])[1]",
        sql("SELECT (pg_catalog.current_schemas(true))[1]"));
    assertEquals("SELECT x AS \"default\", y AS \"total\"", sql("SELECT x AS DEFAULT, y AS Total"));
    assertTrue(sql("SELECT 'vm.metrics'::regclass").contains("c.relname = 'metrics' AND"
        + " c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname ="
        + " 'vm')"));
    assertEquals("SELECT quote_ident(table_schema) IN (VALUES ('alice'), ('vm'))",
        sql("SELECT quote_ident(table_schema) IN (SELECT CASE WHEN trim(s[i]) = '\"$user\"'"
            + " THEN user ELSE trim(s[i]) END FROM generate_series(array_lower(string_to_array("
            + "current_setting('search_path'),','),1), array_upper(string_to_array("
            + "current_setting('search_path'),','),1)) as i, string_to_array(current_setting("
            + "'search_path'),',') s)"));
    assertEquals("SELECT CARDINALITY(ARRAY['vm', 'kernel.all.load']) = 2",
        sql("SELECT array_length(parse_ident('vm.\"kernel.all.load\"'),1) = 2"));
  }

  @Test
  void functionsPostgresqlUsersWrite() {
    assertEquals("SELECT pg_catalog.pg_date_trunc('minute', ts)",
        sql("SELECT date_trunc('minute', ts)"));
    assertEquals("SELECT pg_catalog.pg_to_timestamp(1700000000)",
        sql("SELECT to_timestamp(1700000000)"));
    assertEquals("SELECT to_timestamp('2026', 'YYYY')", sql("SELECT to_timestamp('2026', 'YYYY')"));
  }

  @Test
  void unnamedColumnsTakePostgresqlsNames() {
    PgDialect.Translation t = translate("SELECT metric, count(*), pg_catalog.avg(val), 1 + 1,"
        + " CASE WHEN true THEN 1 END, max(val) AS top FROM m");
    assertEquals("count", t.columnName("EXPR$1"));
    assertEquals("avg", t.columnName("EXPR$2"));
    assertEquals("?column?", t.columnName("EXPR$3"));
    assertEquals("case", t.columnName("EXPR$4"));
    assertEquals("metric", t.columnName("metric"));
  }

  @Test
  void queriesOfRelationsPmsqlHasNoRowsIn() {
    String policies = "SELECT pol.polname, pol.polpermissive, CASE WHEN pol.polroles = '{0}'"
        + " THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from"
        + " pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END AS roles"
        + " FROM pg_catalog.pg_policy pol WHERE pol.polrelid = '16390' ORDER BY 1";
    assertEquals(List.of("polname", "polpermissive", "roles"),
        PgDialect.columnsIfAlwaysEmpty(PgLexer.statements(policies).get(0)));
    String union = "SELECT pubname, NULL FROM pg_catalog.pg_publication p JOIN"
        + " pg_catalog.pg_class c ON true UNION SELECT pubname, NULL FROM pg_catalog.pg_class c,"
        + " pg_catalog.pg_publication_rel pr";
    assertEquals(2, PgDialect.columnsIfAlwaysEmpty(PgLexer.statements(union).get(0)).size());
    // a LEFT JOIN keeps the rows of the relation it joins to
    assertNull(PgDialect.columnsIfAlwaysEmpty(PgLexer.statements("SELECT a.attname FROM"
        + " pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON true").get(0)));
    assertNull(PgDialect.columnsIfAlwaysEmpty(PgLexer.statements("SELECT 1 FROM"
        + " pg_catalog.pg_class UNION SELECT 1 FROM pg_catalog.pg_policy").get(0)));
  }

  @Test
  void statementsAreCutAtSemicolonsOutsideQuotesAndComments() {
    List<List<PgLexer.Token>> statements = PgLexer.statements("SELECT ';' /* ; */; -- ;\n"
        + "SELECT $$a;b$$; ");
    assertEquals(2, statements.size());
    assertEquals("  \nSELECT 'a;b'", sql(PgLexer.text(statements.get(1))));
    IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
        () -> PgLexer.tokens("SELECT 'unterminated"));
    assertTrue(open.getMessage().contains("offset 7"), open.getMessage());
  }
}
