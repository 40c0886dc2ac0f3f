package org.pmsql.sql;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ViewTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveOpener;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.catalog.ArchiveCatalog;
import org.pmsql.sql.catalog.ArchiveErrors;
import org.pmsql.sql.catalog.CatalogTables;
import org.pmsql.sql.function.CounterAggregates;
import org.pmsql.sql.function.Percentiles;
import org.pmsql.sql.function.TimeSeriesAggregates;
import org.pmsql.sql.function.TimeBucket;

/**
 * Puts archives into a Calcite root schema: a schema per host (named as in the archive labels)
 * and the {@code pcp} catalog schema with {@code pcp.hosts}.
 */
public final class PcpSchemas {
  public static final String CATALOG_SCHEMA = "pcp";
  /** Every host as one table: {@code pcp_all.metrics}. */
  public static final String ALL_HOSTS_SCHEMA = "pcp_all";

  private PcpSchemas() {}

  /**
   * Adds the hosts found under {@code paths}. Archives that cannot be opened, or that a scan
   * finds damaged, do not fail the others: they are listed in {@code pcp.archive_errors} with
   * the file and offset of the damage. Archives the catalog in {@code catalogDirectory} (none
   * when null) describes are not read until a query needs them; {@code pcp.catalog} says how
   * many.
   */
  public static Registered register(SchemaPlus root, List<Path> paths, Path catalogDirectory) {
    ArchiveCatalog catalog = null;
    String catalogState = "not used (catalog=none, or a set of a few archives, which are read"
        + " directly unless a catalog is named)";
    if (catalogDirectory != null) {
      try {
        catalog = ArchiveCatalog.in(catalogDirectory);
        catalogState = "in use";
      } catch (IOException e) {
        catalogState = "not used: " + e.getMessage();
      }
    }
    ArchiveDiscovery discovery =
        ArchiveDiscovery.discover(paths, catalog != null ? catalog : ArchiveOpener.READ);
    ArchiveErrors errors = new ArchiveErrors();
    discovery.failures().forEach(errors::add);
    List<ArchiveSet> sets = discovery.sets();
    for (ArchiveSet set : sets) {
      root.add(set.hostname(), new HostSchema(set, errors));
    }
    List<Archive> archives = sets.stream().flatMap(set -> set.archives().stream()).toList();
    String directory = catalogDirectory == null ? null : catalogDirectory.toString();
    String state = catalogState;
    Long entries = catalog == null ? null : catalog.size();
    int described = discovery.fromCatalog();
    addCatalog(root, Map.of(
        "hosts", CatalogTables.hosts(sets),
        "archive_errors", CatalogTables.errors(errors),
        "catalog", new CatalogTables.ListTable(f -> f.builder()
            .add("directory", SqlTypeName.VARCHAR).nullable(true)
            .add("state", SqlTypeName.VARCHAR)
            .add("entries", SqlTypeName.BIGINT).nullable(true)
            .add("archives", SqlTypeName.INTEGER)
            .add("from_catalog", SqlTypeName.INTEGER)
            .add("metadata_read", SqlTypeName.INTEGER)
            .build(), () -> List.<Object[]>of(new Object[] {directory, state, entries,
                archives.size(), described,
                (int) archives.stream().filter(Archive::metadataRead).count()}))));
    List<String> hosts = sets.stream().map(ArchiveSet::hostname).toList();
    addAllHosts(root, hosts);
    return new Registered(hosts, discovery.failures().stream().map(IOException::getMessage)
        .toList());
  }

  /**
   * What a connection holds: its hosts (the schema names), and the archives that could not be
   * read, each as its one-line error (file and offset), which do not fail the connection.
   */
  public record Registered(List<String> hosts, List<String> unreadable) {}

  /**
   * The pcp catalog schema with these tables, and the functions every connection has.
   */
  public static void addCatalog(SchemaPlus root, Map<String, Table> tables) {
    root.add(CATALOG_SCHEMA, new AbstractSchema() {
      @Override
      protected Map<String, Table> getTableMap() {
        return tables;
      }
    });
    CounterAggregates.register(root);
    TimeSeriesAggregates.register(root);
    Percentiles.register(root);
    TimeBucket.register(root);
  }

  /**
   * Each host's metrics table with a host column, as one UNION ALL. The planner pushes a
   * predicate on host into every branch, where it becomes a constant, and drops the branches
   * it rules out before any archive is read.
   */
  public static void addAllHosts(SchemaPlus root, List<String> hosts) {
    if (!hosts.isEmpty()) {
      SchemaPlus all = root.add(ALL_HOSTS_SCHEMA, new AbstractSchema());
      all.add("metrics", ViewTable.viewMacro(all, allMetricsView(hosts), List.of(),
          List.of(ALL_HOSTS_SCHEMA, "metrics"), false));
    }
  }

  private static String allMetricsView(List<String> hosts) {
    StringBuilder sql = new StringBuilder();
    for (String host : hosts) {
      if (!sql.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      sql.append("SELECT CAST(").append(SqlRules.literal(host)).append(" AS VARCHAR) AS \"host\",")
          .append(" m.* FROM ").append(SqlRules.identifier(host)).append(".\"metrics\" m");
    }
    return sql.toString();
  }
}
