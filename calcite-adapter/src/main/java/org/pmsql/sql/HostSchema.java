package org.pmsql.sql;

import com.google.common.collect.ImmutableMultimap;
import com.google.common.collect.Multimap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.describe.DescribingTable;
import org.pmsql.sql.catalog.ArchiveErrors;
import org.pmsql.sql.catalog.CatalogTables;
import org.pmsql.sql.catalog.MergedLabels;
import org.pmsql.sql.catalog.SeriesIds;
import org.pmsql.sql.scan.MetricsTable;
import org.pmsql.sql.stream.LiveTable;
import org.pmsql.sql.tablefn.BucketsMacro;
import org.pmsql.sql.tablefn.InterpolateMacro;
import org.pmsql.sql.tablefn.LatestMacro;
import org.pmsql.sql.tablefn.LatestTable;

/**
 * One host's archives as a schema: {@code metrics} (every value), one table per metric name,
 * {@code live} and {@code "live:<metric>"} for SELECT STREAM, catalog tables {@code descs},
 * {@code instances}, {@code labels}, {@code metric_labels} and {@code archives},
 * {@code latest} (each metric and instance's last value), and the table functions
 * {@code interpolate}, {@code latest} and {@code buckets}.
 */
public final class HostSchema extends AbstractSchema {
  /** Names a metric's live table; PCP names never contain ':', so none can collide. */
  static final String LIVE_PREFIX = "live:";
  /** The tables that describe a host rather than hold its values in time order. */
  private static final Set<String> DESCRIBING = Set.of("latest", "descs", "instances",
      "archives", "labels", "metric_labels", "series", "series_instances", "series_sources");

  private final ArchiveSet set;
  private final ArchiveErrors errors;
  private Map<String, Table> tables;

  HostSchema(ArchiveSet set, ArchiveErrors errors) {
    this.set = set;
    this.errors = errors;
  }

  /** Whether a table holds values in time order with a ts column: metrics or a metric's table. */
  public static boolean holdsValues(String table) {
    return !DESCRIBING.contains(table) && !isLive(table);
  }

  public static boolean isLive(String table) {
    return table.equals("live") || table.startsWith(LIVE_PREFIX);
  }

  @Override
  protected Multimap<String, Function> getFunctionMultimap() {
    ImmutableMultimap.Builder<String, Function> functions = ImmutableMultimap.builder();
    InterpolateMacro.overloads(set).forEach(m -> functions.put(InterpolateMacro.NAME, m));
    functions.put(LatestMacro.NAME, new LatestMacro(set));
    BucketsMacro.overloads(set).forEach(m -> functions.put(BucketsMacro.NAME, m));
    return functions.build();
  }

  @Override
  protected synchronized Map<String, Table> getTableMap() {
    if (tables == null) {
      Map<String, Table> map = new LinkedHashMap<>();
      map.put("metrics", new MetricsTable(set, null, errors));
      map.put("live", new LiveTable(set, null));
      map.put("latest", new LatestTable(set, Long.MAX_VALUE));
      for (DescribingTable table : DescribingTable.values()) {
        map.put(table.tableName(), CatalogTables.of(table, set));
      }
      map.put("metric_labels", MergedLabels.table(set));
      map.put("series", SeriesIds.series(set));
      map.put("series_instances", SeriesIds.instances(set));
      map.put("series_sources", SeriesIds.sources(set));
      Set<String> names = set.metricNames();
      for (String name : names) {
        map.putIfAbsent(name, new MetricsTable(set, name, errors));
      }
      for (String name : names) {
        map.putIfAbsent(LIVE_PREFIX + name, new LiveTable(set, name));
      }
      tables = map;
    }
    return tables;
  }
}
