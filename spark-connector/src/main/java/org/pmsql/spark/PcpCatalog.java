package org.pmsql.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.NamespaceChange;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.describe.DescribingTable;
import org.pmsql.spark.hadoop.HadoopPaths;

/**
 * The archives as Spark SQL sees pmsql's schemas: {@code spark.sql.catalog.pcp=}this class and
 * {@code spark.sql.catalog.pcp.archives=PATH}; each host is a namespace holding {@code metrics}
 * (its values), {@code descs}, {@code instances}, {@code labels} and {@code archives} (as
 * pmsql's), and a table per metric ({@code pcp.web1.`kernel.all.load`}). Read-only. The
 * archives are looked for again at each listing, so new hosts and metrics appear.
 */
public final class PcpCatalog implements TableCatalog, SupportsNamespaces {
  private static final ValueColumns[] HOST_COLUMNS = Arrays.stream(ValueColumns.values())
      .filter(c -> c != ValueColumns.HOST).toArray(ValueColumns[]::new);
  private static final ValueColumns[] METRIC_COLUMNS = Arrays.stream(HOST_COLUMNS)
      .filter(c -> c != ValueColumns.METRIC).toArray(ValueColumns[]::new);

  private String name;
  private ReadOptions options;

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
    this.options = ReadOptions.of(options);
  }

  @Override
  public String name() {
    return name;
  }

  private List<ArchiveSet> hosts() {
    return ArchiveDiscovery.discover(options.archives().stream().map(HadoopPaths::of).toList()).sets();
  }

  private ArchiveSet host(String[] namespace) {
    if (namespace.length == 1) {
      for (ArchiveSet set : hosts()) {
        if (set.hostname().equals(namespace[0])) {
          return set;
        }
      }
    }
    return null;
  }

  @Override
  public String[][] listNamespaces() {
    return hosts().stream().map(s -> new String[] {s.hostname()}).toArray(String[][]::new);
  }

  @Override
  public String[][] listNamespaces(String[] namespace) throws NoSuchNamespaceException {
    if (namespace.length == 0) {
      return listNamespaces();
    }
    if (host(namespace) == null) {
      throw new NoSuchNamespaceException(namespace);
    }
    return new String[0][];
  }

  @Override
  public boolean namespaceExists(String[] namespace) {
    return host(namespace) != null;
  }

  @Override
  public Map<String, String> loadNamespaceMetadata(String[] namespace)
      throws NoSuchNamespaceException {
    if (host(namespace) == null) {
      throw new NoSuchNamespaceException(namespace);
    }
    return Map.of();
  }

  @Override
  public Identifier[] listTables(String[] namespace) throws NoSuchNamespaceException {
    ArchiveSet set = host(namespace);
    if (set == null) {
      throw new NoSuchNamespaceException(namespace);
    }
    List<Identifier> tables = new ArrayList<>();
    tables.add(Identifier.of(namespace, "metrics"));
    for (DescribingTable t : DescribingTable.values()) {
      tables.add(Identifier.of(namespace, t.tableName()));
    }
    set.metricNames().forEach(m -> tables.add(Identifier.of(namespace, m)));
    return tables.toArray(Identifier[]::new);
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    ArchiveSet set = host(ident.namespace());
    if (set == null) {
      throw new NoSuchTableException(ident);
    }
    ReadSpec ofHost = ReadSpec.of(options.archives()).hosts(List.of(set.hostname()));
    String table = name + "." + set.hostname() + "." + ident.name();
    if (ident.name().equals("metrics")) {
      return ReadOnlyTable.ofValues(table, ofHost.columns(HOST_COLUMNS), options);
    }
    for (DescribingTable t : DescribingTable.values()) {
      if (t.tableName().equals(ident.name())) {
        return DescribingTables.table(table, set.hostname(),
            set.archives().stream().map(a -> a.base().toString()).toList(), t);
      }
    }
    if (set.metricNames().contains(ident.name())) {
      return ReadOnlyTable.ofValues(table, ofHost.metrics(List.of(ident.name()))
          .columns(METRIC_COLUMNS), options);
    }
    throw new NoSuchTableException(ident);
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("pcp: archives are read-only");
  }

  @Override
  public Table createTable(Identifier ident, StructType schema, Transform[] partitions,
      Map<String, String> properties) {
    throw readOnly();
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw readOnly();
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw readOnly();
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw readOnly();
  }

  @Override
  public void createNamespace(String[] namespace, Map<String, String> metadata) {
    throw readOnly();
  }

  @Override
  public void alterNamespace(String[] namespace, NamespaceChange... changes) {
    throw readOnly();
  }

  @Override
  public boolean dropNamespace(String[] namespace, boolean cascade) {
    throw readOnly();
  }
}
