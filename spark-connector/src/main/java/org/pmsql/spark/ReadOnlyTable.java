package org.pmsql.spark;

import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A table Spark reads and never writes: values as a batch and a stream (every host's, one
 * host's, one metric's), or a small describing table as a batch.
 */
record ReadOnlyTable(String name, StructType schema, Set<TableCapability> capabilities,
    Supplier<ScanBuilder> scans) implements SupportsRead {

  /** Values chosen by {@code spec}, whose columns are the table's. */
  static ReadOnlyTable ofValues(String name, ReadSpec spec, ReadOptions options) {
    return new ReadOnlyTable(name, ValueColumns.schema(spec.columns()),
        Set.of(TableCapability.BATCH_READ, TableCapability.MICRO_BATCH_READ),
        () -> new ValuesScanBuilder(spec, options));
  }

  @Override
  public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
    return scans.get();
  }
}
