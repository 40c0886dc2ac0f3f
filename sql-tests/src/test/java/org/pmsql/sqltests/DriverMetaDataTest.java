package org.pmsql.sqltests;

import java.util.Arrays;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pmsql.archive.PcpTools;

/**
 * What a BI tool asks the driver before its first query: schemas, tables, columns, types; and
 * the shaded jar working alone on a clean classpath.
 */
class DriverMetaDataTest {
  @Test
  void schemasTablesAndColumns() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      DatabaseMetaData md = c.getMetaData();
      assertEquals("pmsql", md.getDatabaseProductName());
      assertEquals("\"", md.getIdentifierQuoteString());
      List<String> schemas = new ArrayList<>();
      try (ResultSet rs = md.getSchemas()) {
        while (rs.next()) {
          schemas.add(rs.getString("TABLE_SCHEM"));
        }
      }
      assertTrue(schemas.contains("vm") && schemas.contains("pcp"), schemas.toString());

      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, "vm", "%", null)) {
        while (rs.next()) {
          tables.add(rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(tables.containsAll(List.of("metrics", "descs", "instances", "archives",
          "kernel.all.load", "network.interface.in.bytes", "live", "live:kernel.all.load")),
          tables.toString());
      List<String> ordinary = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, "vm", "%", new String[] {"TABLE"})) {
        while (rs.next()) {
          ordinary.add(rs.getString("TABLE_NAME"));
        }
      }
      assertTrue(ordinary.contains("metrics") && !ordinary.contains("live")
          && !ordinary.contains("live:kernel.all.load"), "live tables are streams: " + ordinary);

      Map<String, Integer> columns = new LinkedHashMap<>();
      try (ResultSet rs = md.getColumns(null, "vm", "metrics", "%")) {
        while (rs.next()) {
          columns.put(rs.getString("COLUMN_NAME"), rs.getInt("DATA_TYPE"));
        }
      }
      assertEquals(List.of("ts", "ts_ns", "metric", "inst", "instance", "val", "val_text",
          "val_exact", "rate"), new ArrayList<>(columns.keySet()));
      assertEquals(Types.TIMESTAMP, columns.get("ts"));
      assertEquals(Types.BIGINT, columns.get("ts_ns"));
      assertEquals(Types.DOUBLE, columns.get("val"));
      assertEquals(Types.DECIMAL, columns.get("val_exact"));

      int types = 0;
      try (ResultSet rs = md.getTypeInfo()) {
        while (rs.next()) {
          types++;
        }
      }
      assertTrue(types > 10, "type info rows: " + types);
    }
  }

  @Test
  void aSingleHostIsTheDefaultSchema() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      assertEquals("vm", c.getSchema());
      assertEquals(180L, Sql.rows(c, "SELECT count(*) FROM \"kernel.all.load\"").get(0)[0]);
    }
  }

  @Test
  void everyCatalogColumnNeedsNoQuoting() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      for (String table : List.of("vm.metrics", "vm.descs", "vm.instances", "vm.archives",
          "vm.labels",
          "pcp.hosts", "pcp.archive_errors")) {
        List<String> names = new ArrayList<>();
        String[] parts = table.split("\\.");
        try (ResultSet rs = c.getMetaData().getColumns(null, parts[0], parts[1], "%")) {
          while (rs.next()) {
            names.add(rs.getString("COLUMN_NAME"));
          }
        }
        assertTrue(names.size() >= 2, table);
        // Unquoted, upper-cased: works only when no name is a reserved word.
        Sql.rows(c, "SELECT " + String.join(", ", names).toUpperCase() + " FROM "
            + table.toUpperCase() + " LIMIT 1");
      }
    }
  }

  @Test
  void labelsAndDescriptorsAreQueryable() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      List<Object[]> context = Sql.rows(c,
          "SELECT labels FROM vm.labels WHERE label_type = 'context'");
      assertEquals(1, context.size());
      assertTrue(((String) context.get(0)[0]).contains("\"hostname\":\"vm\""), context.get(0)[0]
          .toString());
      List<Object[]> eth0 = Sql.rows(c, "SELECT inst FROM vm.labels WHERE label_type ="
          + " 'instances' AND labels LIKE '%\"interface\":\"eth0\"%'");
      assertEquals(1, eth0.size());
      List<Object[]> desc = Sql.rows(c, "SELECT value_type, semantics, units, indom FROM vm.descs"
          + " WHERE metric = 'kernel.all.cpu.user'");
      assertEquals(List.of("u64", "counter", "millisec", "PM_INDOM_NULL"),
          Arrays.asList(desc.get(0)));
    }
  }

  @Test
  void shadedJarAloneRunsAQuery() throws Exception {
    Path jar = Sql.shadedJar();
    PcpTools.Result r = PcpTools.run(120, Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", jar.toString(), "org.pmsql.cli.Pmsql", "query", "--archives",
        Sql.sample().toString(), "--format", "csv",
        "SELECT count(*) AS n FROM vm.\"kernel.all.load\"");
    assertEquals(0, r.exitCode(), r.output());
    assertEquals("n\n180\n", r.output());
  }
}
