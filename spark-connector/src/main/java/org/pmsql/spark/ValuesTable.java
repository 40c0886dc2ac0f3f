package org.pmsql.spark;

import java.util.Set;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** Every host's values, as one table. */
final class ValuesTable implements SupportsRead {
  private final ReadOptions options;

  ValuesTable(ReadOptions options) {
    this.options = options;
  }

  @Override
  public String name() {
    return "pcp values of " + String.join(",", options.archives());
  }

  @Override
  @SuppressWarnings("deprecation")
  public StructType schema() {
    return ValueColumns.SCHEMA;
  }

  @Override
  public Set<TableCapability> capabilities() {
    return Set.of(TableCapability.BATCH_READ);
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap scanOptions) {
    return new ValuesScanBuilder(options);
  }
}
