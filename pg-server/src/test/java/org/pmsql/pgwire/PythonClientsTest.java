package org.pmsql.pgwire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.PcpTools;

/**
 * psycopg2, psycopg 3 (text, server-prepared and binary), SQLAlchemy's inspector and
 * pandas.read_sql, Debian's packages run by Debian's python3, against the PostgreSQL protocol:
 * what each read is compared with local pmsql's answer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PythonClientsTest {
  private static final String PYTHON = "/usr/bin/python3";

  @Test
  void pythonClientsReadWhatLocalPmsqlReads(@TempDir Path dir) throws Exception {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      fail(PYTHON + " is missing (scripts/ensure-deps test installs Debian's python3 and"
          + " its psycopg2, psycopg, sqlalchemy and pandas packages)");
    }
    Path script = dir.resolve("python_clients.py");
    try (var in = PythonClientsTest.class.getResourceAsStream("/python_clients.py")) {
      Files.copy(in, script);
    }
    try (PgFixture pg = PgFixture.loopback(); Connection local = PgFixture.local()) {
      PcpTools.Result run = PcpTools.run(150, PYTHON, script.toString(), "127.0.0.1",
          Integer.toString(pg.port()));
      assertEquals(0, run.exitCode(), run.output());
      String json = run.output().lines().filter(l -> l.startsWith("{")).findFirst()
          .orElseThrow(() -> new AssertionError("no JSON in: " + run.output()));
      JsonNode read = new ObjectMapper().readTree(json);

      List<String> expected = new ArrayList<>();
      try (PreparedStatement p = local.prepareStatement("SELECT ts, ts_ns, metric, val FROM"
          + " vm.metrics WHERE metric = ? AND ts > ? ORDER BY ts_ns, inst")) {
        p.setString(1, "kernel.all.load");
        p.setObject(2, Instant.parse("2026-11-25T02:23:50Z"));
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            expected.add(r.getObject(1, Instant.class).toString().replaceAll("(\\.\\d{6})\\d+Z",
                "$1Z") + "|" + r.getLong(2) + "|" + r.getString(3) + "|" + r.getDouble(4));
          }
        }
      }
      assertTrue(expected.size() > 10, expected.toString());
      for (String client : List.of("psycopg2", "psycopg3", "psycopg3_binary")) {
        List<String> got = new ArrayList<>();
        for (JsonNode row : read.get(client)) {
          got.add(OffsetDateTime.parse(row.get(0).asText()).toInstant() + "|"
              + row.get(1).asLong() + "|" + row.get(2).asText() + "|" + row.get(3).asDouble());
        }
        assertEquals(expected, got, client);
      }
      assertEquals(1330, read.get("psycopg2_named_cursor").asInt());

      List<String> schemas = new ArrayList<>();
      read.get("schemas").forEach(s -> schemas.add(s.asText()));
      assertTrue(schemas.containsAll(List.of("vm", "pcp", "pcp_all")), schemas.toString());
      List<String> tables = new ArrayList<>();
      read.get("tables").forEach(t -> tables.add(t.asText()));
      assertTrue(tables.containsAll(List.of("metrics", "kernel.all.load", "descs")),
          tables.toString());
      List<String> columns = new ArrayList<>();
      read.get("columns").forEach(c -> columns.add(c.get(0).asText() + " " + c.get(1).asText()));
      assertEquals(List.of("ts TIMESTAMP", "ts_ns BIGINT", "metric TEXT", "inst INTEGER",
          "instance TEXT", "val DOUBLE_PRECISION", "val_text TEXT", "val_exact NUMERIC(20, 0)",
          "rate DOUBLE_PRECISION"), columns);
      assertEquals(0, read.get("primary_key").size());

      List<List<String>> totals = PgFixture.rows(local, "SELECT metric, count(*) AS n,"
          + " sum(val) AS total FROM vm.metrics GROUP BY metric ORDER BY metric");
      List<List<String>> frame = new ArrayList<>();
      for (JsonNode row : read.get("pandas")) {
        frame.add(java.util.Arrays.asList(row.get(0).asText(), row.get(1).asText(),
            row.get(2).isNull() ? null : Double.toString(row.get(2).asDouble())));
      }
      assertEquals(totals, frame);
      assertEquals("datetime64[ns, UTC]", read.get("pandas_ts_dtype").asText());
    }
  }
}
