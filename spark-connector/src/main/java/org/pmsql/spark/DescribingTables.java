package org.pmsql.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.describe.Column;
import org.pmsql.archive.describe.DescribingTable;
import org.pmsql.spark.hadoop.HadoopPaths;

/**
 * A host's tables that describe its archives (descs, instances, labels, archives) in Spark's
 * catalog: the same columns and rows as pmsql's, times to the millisecond; small, so one task
 * reads the host's metadata and makes them.
 */
final class DescribingTables {
  private DescribingTables() {}

  static ReadOnlyTable table(String name, String host, List<String> archives,
      DescribingTable table) {
    StructType schema = schema(table);
    Part part = new Part(host, archives, table);
    return new ReadOnlyTable(name, schema, Set.of(TableCapability.BATCH_READ),
        () -> () -> new OnePart(schema, part));
  }

  private static StructType schema(DescribingTable table) {
    List<StructField> fields = new ArrayList<>();
    for (Column c : table.columns()) {
      DataType type = switch (c.kind()) {
        case TEXT -> DataTypes.StringType;
        case INTEGER -> DataTypes.IntegerType;
        case DOUBLE -> DataTypes.DoubleType;
        case TIME -> DataTypes.TimestampType;
      };
      fields.add(new StructField(c.name(), type, c.nullable(), Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The host's archives and the table to make of them. */
  record Part(String host, List<String> archives, DescribingTable table)
      implements InputPartition {}

  private record OnePart(StructType schema, Part part) implements Scan, Batch {
    @Override
    public StructType readSchema() {
      return schema;
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      return new InputPartition[] {part};
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new Readers();
    }
  }

  static final class Readers implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      Part part = (Part) partition;
      List<Archive> archives = new ArrayList<>();
      try {
        for (String base : part.archives()) {
          archives.add(Archive.open(HadoopPaths.of(base)));
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e.getMessage(), e);
      }
      List<Column> columns = part.table().columns();
      List<InternalRow> rows = new ArrayList<>();
      for (Object[] row : part.table().rows(new ArchiveSet(part.host(), archives))) {
        Object[] values = new Object[row.length];
        for (int i = 0; i < row.length; i++) {
          values[i] = row[i] == null ? null : switch (columns.get(i).kind()) {
            case TEXT -> UTF8String.fromString((String) row[i]);
            case TIME -> ValueColumns.timestamp((Long) row[i]);
            default -> row[i];
          };
        }
        rows.add(new GenericInternalRow(values));
      }
      return new ListedRows(rows);
    }
  }
}
