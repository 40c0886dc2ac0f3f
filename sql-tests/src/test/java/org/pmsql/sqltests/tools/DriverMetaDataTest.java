package org.pmsql.sqltests.tools;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


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
    // it shares classpaths with Spark and BI tools: what it bundles is relocated, and it
    // binds no one's logging
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      List<String> unrelocated = zip.stream().map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .filter(n -> List.of("com/google/common/", "com/google/protobuf/", "com/fasterxml/",
              "org/apache/commons/", "org/apache/hc/", "org/codehaus/", "org/slf4j/", "org/jline/",
              "picocli/", "io/airlift/", "com/tdunning/").stream().anyMatch(n::startsWith))
          .limit(5).toList();
      assertEquals(List.of(), unrelocated);
    }
  }

  /**
   * DatabaseMetaData as DBeaver, SchemaCrawler and Spark read it: plain type names, JDBC's
   * sizes, every type getTables reports listed, patterns with '_' and in upper case finding
   * what unquoted names find, no catalog that three-part names could not use.
   */
  @Test
  void metadataAsJdbcToolsReadIt() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      DatabaseMetaData md = c.getMetaData();
      Map<String, Object[]> columns = new LinkedHashMap<>();
      try (ResultSet rs = md.getColumns(null, "VM", "METRICS", "%")) {
        while (rs.next()) {
          columns.put(rs.getString("COLUMN_NAME"), new Object[] {rs.getString("TYPE_NAME"),
              rs.getObject("COLUMN_SIZE"), rs.getObject("DECIMAL_DIGITS")});
        }
      }
      assertEquals("[TIMESTAMP, 23, 3]", Arrays.toString(columns.get("ts")));
      assertEquals("[BIGINT, 19, 0]", Arrays.toString(columns.get("ts_ns")));
      assertEquals("[INTEGER, 10, 0]", Arrays.toString(columns.get("inst")));
      assertEquals("[DOUBLE, 15, null]", Arrays.toString(columns.get("val")));
      assertEquals("[DECIMAL, 20, 0]", Arrays.toString(columns.get("val_exact")));
      assertEquals("VARCHAR", columns.get("metric")[0]);
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT ts, val_exact, metric FROM vm.metrics LIMIT 1")) {
        java.sql.ResultSetMetaData r = rs.getMetaData();
        assertEquals(List.of("TIMESTAMP", "23"), List.of(r.getColumnTypeName(1),
            "" + r.getColumnDisplaySize(1)));
        assertEquals(List.of(20, 0), List.of(r.getPrecision(2), r.getScale(2)));
      }

      List<String> types = new ArrayList<>();
      try (ResultSet rs = md.getTableTypes()) {
        while (rs.next()) {
          types.add(rs.getString(1));
        }
      }
      List<String> found = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, null, null, null)) {
        while (rs.next()) {
          found.add(rs.getString("TABLE_TYPE"));
          assertEquals(null, rs.getString("TABLE_CAT"));
        }
      }
      assertTrue(types.containsAll(found), types + " lists every type of " + found);
      try (ResultSet rs = md.getCatalogs()) {
        assertTrue(!rs.next(), "no catalog");
      }

      List<String> matched = new ArrayList<>();
      try (ResultSet rs = md.getTables(null, "V_", "KERNEL_ALL_LOAD", null)) {
        while (rs.next()) {
          matched.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
        }
      }
      assertEquals(List.of("vm.kernel.all.load"), matched);
      List<String> valColumns = new ArrayList<>();
      try (ResultSet rs = md.getColumns(null, "vm", "metrics", "VAL\\_%")) {
        while (rs.next()) {
          valColumns.add(rs.getString("COLUMN_NAME"));
        }
      }
      assertEquals(List.of("val_text", "val_exact"), valColumns);
    }
  }

  /** A read-only database's transactions: pools that turn auto-commit off keep working. */
  @Test
  void transactionsAreThoseOfAReadOnlyDatabase() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      c.setAutoCommit(false);
      assertEquals(180L, Sql.rows(c, "SELECT count(*) FROM \"kernel.all.load\"").get(0)[0]);
      c.commit();
      c.rollback();
      assertTrue(c.getAutoCommit() && c.isReadOnly());
    }
  }

  /** A property the driver does not take, or cannot use, is refused by name. */
  @Test
  void badConnectPropertiesAreRefusedByName() throws Exception {
    String sample = "archives=" + Sql.sample();
    Map<String, String> refusals = Map.of(
        "archive=" + Sql.sample(), "unknown connection property 'archive'",
        sample + ";timeZone=Mars/Olympus", "timeZone must be a time zone",
        sample + ";caseSensitive=maybe", "caseSensitive must be true or false",
        sample + ";servers_timeout=soon", "servers_timeout must be a positive whole number",
        "archives=/no/such/archives", "archives: /no/such/archives does not exist");
    for (Map.Entry<String, String> refusal : refusals.entrySet()) {
      java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(
          java.sql.SQLException.class,
          () -> java.sql.DriverManager.getConnection("jdbc:pcp:" + refusal.getKey()).close());
      assertTrue(e.getMessage().contains(refusal.getValue()), e.getMessage());
    }
  }

  /** Damage inside an existing set does not fail the connection: a warning names it. */
  @Test
  void anUnreadableArchiveIsAWarning(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    for (String suffix : List.of(".meta", ".index", ".0")) {
      java.nio.file.Files.copy(Path.of(Sql.sample() + suffix),
          dir.resolve("sample-host" + suffix));
    }
    java.nio.file.Files.write(dir.resolve("broken.meta"), new byte[] {0, 0, 0, 7, 1, 2, 3});
    try (Connection c = Sql.connect(dir)) {
      assertEquals(180L, Sql.rows(c, "SELECT count(*) FROM vm.\"kernel.all.load\"")
          .get(0)[0]);
      java.sql.SQLWarning w = c.getWarnings();
      assertTrue(w != null && w.getMessage().contains("broken.meta"), String.valueOf(w));
      assertEquals(1, Sql.rows(c, "SELECT * FROM pcp.archive_errors").size());
    }
  }
}
