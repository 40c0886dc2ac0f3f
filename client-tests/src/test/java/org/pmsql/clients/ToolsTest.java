package org.pmsql.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.ServeProcess;
import schemacrawler.schema.Catalog;
import schemacrawler.schema.Schema;
import schemacrawler.schema.Table;
import schemacrawler.schemacrawler.LimitOptionsBuilder;
import schemacrawler.schemacrawler.LoadOptionsBuilder;
import schemacrawler.schemacrawler.SchemaCrawlerOptionsBuilder;
import schemacrawler.schemacrawler.SchemaInfoLevelBuilder;
import schemacrawler.inclusionrule.RegularExpressionInclusionRule;
import schemacrawler.tools.utility.SchemaCrawlerUtility;
import us.fatehi.utility.datasource.DatabaseConnectionSources;

/**
 * Tools as their users run them with the driver jar: a HikariCP pool that turns auto-commit
 * off, the DatabaseMetaData calls DBeaver makes when it opens a connection (locally and through
 * pmsql serve, with equal answers), and SchemaCrawler crawling a host's schema.
 */
class ToolsTest {
  private static final Path ARCHIVE = PcpTools.CORPUS.resolve("20180102");
  private static final String URL = "jdbc:pcp:archives=" + ARCHIVE;
  /** SchemaCrawler reports every step at INFO through java.util.logging; held, so they stay. */
  private static final List<java.util.logging.Logger> QUIET = List.of(
      java.util.logging.Logger.getLogger("schemacrawler"),
      java.util.logging.Logger.getLogger("us.fatehi"));

  @Test
  void hikariPoolWithoutAutoCommit() throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(URL);
    config.setAutoCommit(false);
    config.setMaximumPoolSize(2);
    long expected = LibpcpTotals.of(ARCHIVE).get("kernel.all.load").count;
    try (HikariDataSource pool = new HikariDataSource(config)) {
      for (int i = 0; i < 5; i++) {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT count(*) FROM bozo.\"kernel.all.load\"")) {
          assertTrue(rs.next());
          assertEquals(expected, rs.getLong(1));
        }
      }
    }
  }

  /**
   * What DBeaver asks of a new connection, in its order, as text to compare (through pmsql
   * serve with the driver jar's remote driver; the stock Avatica client names itself).
   */
  private static List<String> dbeaverMetadata(Connection c) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    List<String> said = new ArrayList<>();
    said.add(md.getDatabaseProductName() + " " + md.getDatabaseProductVersion() + " "
        + md.getDatabaseMajorVersion() + "." + md.getDatabaseMinorVersion());
    said.add("identifiers " + md.getIdentifierQuoteString() + " upper="
        + md.storesUpperCaseIdentifiers() + " lower=" + md.storesLowerCaseIdentifiers()
        + " mixed=" + md.storesMixedCaseIdentifiers() + " supportsMixed="
        + md.supportsMixedCaseIdentifiers() + " quotedMixed="
        + md.supportsMixedCaseQuotedIdentifiers() + " separator=" + md.getCatalogSeparator()
        + " catalogTerm=" + md.getCatalogTerm() + " schemaTerm=" + md.getSchemaTerm());
    said.add("keywords " + md.getSQLKeywords());
    said.addAll(rows(md.getCatalogs()));
    said.addAll(rows(md.getSchemas()));
    said.addAll(rows(md.getTableTypes()));
    said.addAll(rows(md.getTables(null, "bozo", "%", null)));
    said.addAll(rows(md.getColumns(null, "bozo", "kernel.all.load", "%")));
    said.addAll(rows(md.getColumns(null, "pcp", "hosts", "%")));
    said.addAll(rows(md.getPrimaryKeys(null, "bozo", "metrics")));
    said.addAll(rows(md.getImportedKeys(null, "bozo", "metrics")));
    said.addAll(rows(md.getIndexInfo(null, "bozo", "metrics", false, true)));
    said.addAll(rows(md.getProcedures(null, "bozo", "%")));
    said.addAll(rows(md.getFunctions(null, "bozo", "%")));
    said.addAll(rows(md.getTypeInfo()));
    return said;
  }

  private static List<String> rows(ResultSet rs) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (rs) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.append(md.getColumnLabel(i)).append('=').append(rs.getString(i)).append(' ');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  @Test
  void dbeaverMetadataEqualLocallyAndRemotely(@TempDir Path dir) throws Exception {
    List<String> local;
    try (Connection c = DriverManager.getConnection(URL)) {
      local = dbeaverMetadata(c);
    }
    assertTrue(local.stream().anyMatch(r -> r.contains("TABLE_NAME=kernel.all.load ")));
    assertTrue(local.stream().anyMatch(r -> r.contains("COLUMN_NAME=ts ")
        && r.contains("TYPE_NAME=TIMESTAMP ")), "plain type names");
    try (ServeProcess server = ServeProcess.start("", "--archives " + ARCHIVE,
        dir.resolve("serve.out"));
        Connection remote = DriverManager.getConnection("jdbc:pcp:remote:url=http://127.0.0.1:"
            + server.port() + ";serialization=protobuf")) {
      List<String> remoteSaid = dbeaverMetadata(remote);
      for (int i = 0; i < Math.min(local.size(), remoteSaid.size()); i++) {
        assertEquals(local.get(i), remoteSaid.get(i), "metadata row " + i);
      }
      assertEquals(local.size(), remoteSaid.size());
    }
  }

  @Test
  void schemaCrawlerCrawlsAHost() throws Exception {
    QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
    try (Connection c = DriverManager.getConnection(URL)) {
      // SchemaCrawler crawls tables and views, not streams (the live tables)
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = c.getMetaData().getTables(null, "bozo", "%", null)) {
        while (rs.next()) {
          if (!rs.getString("TABLE_TYPE").equals("STREAM")) {
            tables.add(rs.getString("TABLE_NAME"));
          }
        }
      }
      Map<String, Integer> expected = new TreeMap<>();
      try (ResultSet rs = c.getMetaData().getColumns(null, "bozo", "%", "%")) {
        while (rs.next()) {
          if (tables.contains(rs.getString("TABLE_NAME"))) {
            expected.merge(rs.getString("TABLE_NAME"), 1, Integer::sum);
          }
        }
      }
      var options = SchemaCrawlerOptionsBuilder.newSchemaCrawlerOptions()
          .withLimitOptions(LimitOptionsBuilder.builder()
              .includeSchemas(new RegularExpressionInclusionRule("bozo")).toOptions())
          .withLoadOptions(LoadOptionsBuilder.builder()
              .withSchemaInfoLevel(SchemaInfoLevelBuilder.standard()).toOptions());
      Catalog catalog = SchemaCrawlerUtility.getCatalog(
          DatabaseConnectionSources.fromConnection(c), options);
      Map<String, Integer> crawled = new TreeMap<>();
      for (Schema schema : catalog.getSchemas()) {
        for (Table table : catalog.getTables(schema)) {
          crawled.put(table.getName(), table.getColumns().size());
        }
      }
      assertEquals(expected, crawled);
      assertTrue(crawled.get("metrics") == 9, crawled.toString());
    }
  }
}
