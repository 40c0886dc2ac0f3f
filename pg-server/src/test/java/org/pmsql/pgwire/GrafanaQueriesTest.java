package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SQL Grafana's PostgreSQL data source sends, verbatim from its source
 * (public/app/plugins/datasource/grafana-postgresql-datasource/postgresMetaQuery.ts, the Go
 * macro engine's documented expansions in macros_test.go, the schema API's queries), over the
 * simple protocol as lib/pq and pgx send them, each answer compared with local pmsql's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrafanaQueriesTest {
  /** buildSchemaConstraint() of postgresMetaQuery.ts. */
  private static final String SCHEMA_CONSTRAINT = """

          quote_ident(table_schema) IN (
          SELECT
            CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
          FROM
            generate_series(
              array_lower(string_to_array(current_setting('search_path'),','),1),
              array_upper(string_to_array(current_setting('search_path'),','),1)
            ) as i,
            string_to_array(current_setting('search_path'),',') s
          )""";

  private static PgFixture pg;
  private static Connection local;
  private static Connection grafana;

  @BeforeAll
  static void start() throws Exception {
    pg = PgFixture.loopback();
    local = PgFixture.local();
    grafana = PgFixture.connect(pg.url("preferQueryMode=simple"));
  }

  @AfterAll
  static void stop() throws Exception {
    grafana.close();
    local.close();
    pg.close();
  }

  @Test
  void versionAndTimescaledbChecks() throws Exception {
    assertEquals(List.of(List.of("1500")), PgFixture.rows(grafana,
        "SELECT current_setting('server_version_num')::int/100 as version"));
    assertEquals(List.of(), PgFixture.rows(grafana,
        "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'"));
    try (Statement s = grafana.createStatement()) {
      // lib/pq's and pgx's pings
      s.execute(";");
      s.execute("-- ping");
    }
  }

  @Test
  void theQueryBuildersTableAndColumnLists() throws Exception {
    String showTables = "SELECT\n    CASE WHEN " + SCHEMA_CONSTRAINT + "\n"
        + "      THEN quote_ident(table_name)\n"
        + "      ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)\n"
        + "    END AS \"table\"\n    FROM information_schema.tables\n"
        + "    WHERE quote_ident(table_schema) NOT IN ('information_schema',\n"
        + "                             'pg_catalog',\n"
        + "                             '_timescaledb_cache',\n"
        + "                             '_timescaledb_catalog',\n"
        + "                             '_timescaledb_internal',\n"
        + "                             '_timescaledb_config',\n"
        + "                             'timescaledb_information',\n"
        + "                             'timescaledb_experimental')\n"
        + "    ORDER BY CASE WHEN " + SCHEMA_CONSTRAINT + " THEN 0 ELSE 1 END, 1";
    List<String> tables = PgFixture.rows(grafana, showTables).stream().map(r -> r.get(0))
        .toList();
    assertTrue(tables.contains("vm.\"kernel.all.load\"") && tables.contains("vm.metrics")
        && tables.contains("pcp.hosts"), tables.toString());
    List<String> localTables = new ArrayList<>();
    try (ResultSet r = local.getMetaData().getTables(null, "vm", "%", null)) {
      while (r.next()) {
        localTables.add(r.getString("TABLE_NAME"));
      }
    }
    assertEquals(localTables.size(), tables.stream().filter(t -> t.startsWith("vm.")).count());

    String getSchema = "SELECT quote_ident(column_name) AS \"column\", data_type AS \"type\"\n"
        + "    FROM information_schema.columns\n    WHERE\n"
        + "      CASE WHEN array_length(parse_ident('vm.metrics'),1) = 2\n"
        + "        THEN quote_ident(table_schema) = (parse_ident('vm.metrics'))[1]\n"
        + "          AND quote_ident(table_name) = (parse_ident('vm.metrics'))[2]\n"
        + "        ELSE quote_ident(table_name) = 'vm.metrics'\n          AND "
        + SCHEMA_CONSTRAINT + "\n      END";
    assertEquals(List.of(List.of("ts", "timestamp with time zone"), List.of("ts_ns", "bigint"),
        List.of("metric", "text"), List.of("inst", "integer"), List.of("instance", "text"),
        List.of("val", "double precision"), List.of("val_text", "text"),
        List.of("val_exact", "numeric"), List.of("rate", "double precision")),
        PgFixture.rows(grafana, getSchema));
  }

  @Test
  void theSchemaApisParameterisedQueries() throws Exception {
    try (Connection pgx = PgFixture.connect(pg.url(""));
        PreparedStatement tables = pgx.prepareStatement("SELECT table_name FROM"
            + " information_schema.tables\n\t\t WHERE table_schema = ? AND table_type IN"
            + " ('BASE TABLE', 'VIEW')\n\t\t ORDER BY table_name")) {
      tables.setString(1, "vm");
      try (ResultSet r = tables.executeQuery()) {
        List<List<String>> got = PgFixture.rows(r);
        assertTrue(got.contains(List.of("kernel.all.load")), got.toString());
      }
    }
    assertEquals(PgFixture.rows(local, "SELECT DISTINCT instance FROM vm.\"kernel.all.load\""
        + " WHERE instance IS NOT NULL ORDER BY instance").stream()
        .map(r -> List.of("instance", r.get(0))).toList(),
        PgFixture.rows(grafana, "SELECT 'instance' AS col_name, \"instance\"::text AS val FROM"
            + " (SELECT DISTINCT \"instance\" FROM \"vm\".\"kernel.all.load\" WHERE"
            + " \"instance\" IS NOT NULL ORDER BY \"instance\" LIMIT 100) sub_0"));
  }

  /**
   * A panel's query as Grafana's macro engine expands {@code $__timeGroupAlias(ts,'1m')} and
   * {@code $__timeFilter(ts)} (RFC 3339 times, fractions only when not zero).
   */
  @Test
  void aPanelsMacroExpandedQuery() throws Exception {
    String panel = "SELECT floor(extract(epoch from ts)/60)*60 AS \"time\", instance AS metric,"
        + " avg(val) AS load FROM vm.\"kernel.all.load\" WHERE ts BETWEEN"
        + " '2026-11-25T02:23:40.5Z' AND '2026-11-25T02:24:20Z' GROUP BY 1, 2 ORDER BY 1, 2";
    // the same in pmsql's own SQL, read locally
    List<List<String>> expected = PgFixture.rows(local, "SELECT CAST(EXTRACT(EPOCH FROM"
        + " FLOOR(ts TO MINUTE)) AS BIGINT), instance, avg(val) FROM vm.\"kernel.all.load\""
        + " WHERE ts >= TIMESTAMP '2026-11-25 02:23:40.500' AND ts <= TIMESTAMP"
        + " '2026-11-25 02:24:20' GROUP BY FLOOR(ts TO MINUTE), instance ORDER BY 1, 2");
    List<List<String>> got = new ArrayList<>();
    try (Statement s = grafana.createStatement(); ResultSet r = s.executeQuery(panel)) {
      assertEquals("time", r.getMetaData().getColumnLabel(1));
      while (r.next()) {
        got.add(List.of(Long.toString(r.getBigDecimal(1).longValueExact()), r.getString(2),
            Double.toString(r.getDouble(3))));
      }
    }
    assertEquals(6, expected.size());
    assertEquals(expected, got);
  }
}
