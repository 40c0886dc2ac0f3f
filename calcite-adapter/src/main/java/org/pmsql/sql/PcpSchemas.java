package org.pmsql.sql;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.util.Holder;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ViewTable;
import org.apache.calcite.schema.Table;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;

/**
 * Puts archives into a Calcite root schema: a schema per host (named as in the archive labels)
 * and the {@code pcp} catalog schema with {@code pcp.hosts}.
 */
public final class PcpSchemas {
  public static final String CATALOG_SCHEMA = "pcp";
  /** Every host as one table: {@code pcp_all.metrics}. */
  public static final String ALL_HOSTS_SCHEMA = "pcp_all";

  static {
    // Stream tables are planned by Calcite's own stream rules, not through a scan of ours that
    // could register rules, so the streaming aggregate joins every planner; it only ever
    // matches a pmsql live stream.
    // So does moving filters into UNION ALL branches and folding constants, which lets a
    // predicate on pcp_all.metrics' host column drop whole hosts before anything is read.
    Hook.PLANNER.add((Consumer<RelOptPlanner>) planner -> {
      planner.addRule(PcpRules.STREAM_AGGREGATE);
      planner.addRule(CoreRules.FILTER_SET_OP_TRANSPOSE);
      planner.addRule(CoreRules.FILTER_REDUCE_EXPRESSIONS);
    });
    // GROUP BY TUMBLE needs a rewrite before planning; the same holds for any Calcite query.
    Hook.PROGRAM.add((Consumer<Holder<Program>>) program -> {
      if (program.get() == null) {
        program.set(TumbleRewrite.PROGRAM);
      }
    });
  }

  private PcpSchemas() {}

  /**
   * Adds the hosts found under {@code paths}. Archives that cannot be opened, or that a scan
   * finds damaged, do not fail the others: they are listed in {@code pcp.archive_errors} with
   * the file and offset of the damage. Returns the host names, which are the schema names.
   */
  public static List<String> register(SchemaPlus root, List<Path> paths) {
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(paths);
    ArchiveErrors errors = new ArchiveErrors();
    discovery.failures().forEach(errors::add);
    List<ArchiveSet> sets = discovery.sets();
    for (ArchiveSet set : sets) {
      root.add(set.hostname(), new HostSchema(set, errors));
    }
    Map<String, Table> catalog = Map.of(
        "hosts", CatalogTables.hosts(sets),
        "archive_errors", CatalogTables.errors(errors));
    root.add(CATALOG_SCHEMA, new AbstractSchema() {
      @Override
      protected Map<String, Table> getTableMap() {
        return catalog;
      }
    });
    CounterAggregates.register(root);
    TimeBucket.register(root);
    List<String> hosts = sets.stream().map(ArchiveSet::hostname).toList();
    if (!hosts.isEmpty()) {
      SchemaPlus all = root.add(ALL_HOSTS_SCHEMA, new AbstractSchema());
      all.add("metrics", ViewTable.viewMacro(all, allMetricsView(hosts), List.of(),
          List.of(ALL_HOSTS_SCHEMA, "metrics"), false));
    }
    return hosts;
  }

  /**
   * Each host's metrics table with a host column, as one UNION ALL. The planner pushes a
   * predicate on host into every branch, where it becomes a constant, and drops the branches
   * it rules out before any archive is read.
   */
  private static String allMetricsView(List<String> hosts) {
    StringBuilder sql = new StringBuilder();
    for (String host : hosts) {
      if (!sql.isEmpty()) {
        sql.append(" UNION ALL ");
      }
      sql.append("SELECT CAST('").append(host.replace("'", "''"))
          .append("' AS VARCHAR) AS \"host\", m.*")
          .append(" FROM \"").append(host.replace("\"", "\"\"")).append("\".\"metrics\" m");
    }
    return sql.toString();
  }
}
