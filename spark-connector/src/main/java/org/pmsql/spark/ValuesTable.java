package org.pmsql.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * Values as a table: every host's (the data source's table), or one host's, or one metric of
 * one host (the catalog's tables), with the columns that still vary; read as a batch, or as a
 * stream that follows the hosts' loggers.
 */
final class ValuesTable implements SupportsRead {
  private final String name;
  private final ReadSpec spec;
  private final ReadOptions options;

  /** {@code spec} chooses the values; its columns are the table's. */
  ValuesTable(String name, ReadSpec spec, ReadOptions options) {
    this.name = name;
    this.spec = spec;
    this.options = options;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return ValueColumns.schema(spec.columns());
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    return new ValuesScanBuilder(spec, options);
  }
}
