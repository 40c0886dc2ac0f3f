package org.pmsql.spark;

import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The table's columns: pmsql's {@code pcp_all.metrics}, with the same names and types. Times
 * are instants; {@code ts} to the millisecond as in SQL, {@code ts_ns} exact.
 */
enum ValueColumns {
  HOST("host", DataTypes.StringType, false),
  TS("ts", DataTypes.TimestampType, false),
  TS_NS("ts_ns", DataTypes.LongType, false),
  METRIC("metric", DataTypes.StringType, false),
  INST("inst", DataTypes.IntegerType, true),
  INSTANCE("instance", DataTypes.StringType, true),
  VAL("val", DataTypes.DoubleType, true),
  VAL_TEXT("val_text", DataTypes.StringType, true),
  VAL_EXACT("val_exact", DataTypes.createDecimalType(20, 0), true),
  RATE("rate", DataTypes.DoubleType, true);

  static final StructType SCHEMA = schema(values());

  final String sqlName;
  final DataType type;
  final boolean nullable;

  ValueColumns(String sqlName, DataType type, boolean nullable) {
    this.sqlName = sqlName;
    this.type = type;
    this.nullable = nullable;
  }

  static StructType schema(ValueColumns[] columns) {
    StructField[] fields = new StructField[columns.length];
    for (int i = 0; i < columns.length; i++) {
      fields[i] = new StructField(columns[i].sqlName, columns[i].type, columns[i].nullable,
          Metadata.empty());
    }
    return new StructType(fields);
  }

  /** A time as Spark's timestamps hold it (microseconds), to the millisecond as SQL's ts. */
  static long timestamp(long nanos) {
    return Math.floorDiv(nanos, 1_000_000L) * 1000L;
  }

  /** The column of that name (Spark's names are case-insensitive by default), or null. */
  static ValueColumns named(String name) {
    for (ValueColumns c : values()) {
      if (c.sqlName.equalsIgnoreCase(name)) {
        return c;
      }
    }
    return null;
  }
}
