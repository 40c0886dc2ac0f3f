package org.pmsql.spark;

import java.util.Map;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.sources.DataSourceRegister;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * {@code spark.read.format("pcp").option("archives", PATH).load()}: every value of the
 * archives under PATH (comma-separated paths: archives, or directories searched as pmsql
 * searches them) with its host, as pmsql's {@code pcp_all.metrics}. Option
 * {@code partitionBytes} (default 64 MiB) sizes the slices executors read.
 */
public final class PcpDataSource implements TableProvider, DataSourceRegister {
  @Override
  public String shortName() {
    return "pcp";
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return ValueColumns.SCHEMA;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning,
      Map<String, String> properties) {
    ReadOptions options = ReadOptions.of(new CaseInsensitiveStringMap(properties));
    return ReadOnlyTable.ofValues("pcp values of " + String.join(",", options.archives()),
        ReadSpec.of(options.archives()), options);
  }
}
