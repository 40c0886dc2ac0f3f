package org.pmsql.sql.scan;

import java.util.List;
import java.util.stream.Stream;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The columns of the metrics tables and live streams, the one description that rows, SQL types
 * and push-down read. A scan names its columns by their numbers (the ordinals), which is how
 * generated code carries them. The long table has every column; a metric's own table has all
 * but {@code metric}.
 */
public enum MetricColumn {
  TS("ts", SqlTypeName.TIMESTAMP, 3, false),
  TS_NS("ts_ns", SqlTypeName.BIGINT, false),
  METRIC("metric", SqlTypeName.VARCHAR, false),
  INST("inst", SqlTypeName.INTEGER, true),
  INSTANCE("instance", SqlTypeName.VARCHAR, true),
  VAL("val", SqlTypeName.DOUBLE, true),
  VAL_TEXT("val_text", SqlTypeName.VARCHAR, true),
  /** Integers as they are, 64-bit unsigned ones included, which a double rounds. */
  VAL_EXACT("val_exact", SqlTypeName.DECIMAL, 20, true),
  /** A counter's change per second since its previous value, as pmrep -u gives it. */
  RATE("rate", SqlTypeName.DOUBLE, true);

  private static final MetricColumn[] BY_NUMBER = values();
  private static final int[] LONG_TABLE = Stream.of(BY_NUMBER).mapToInt(Enum::ordinal).toArray();
  private static final int[] METRIC_TABLE = Stream.of(BY_NUMBER).filter(c -> c != METRIC)
      .mapToInt(Enum::ordinal).toArray();

  public final String sqlName;
  private final SqlTypeName type;
  private final int precision;
  private final boolean nullable;

  MetricColumn(String sqlName, SqlTypeName type, boolean nullable) {
    this(sqlName, type, RelDataType.PRECISION_NOT_SPECIFIED, nullable);
  }

  MetricColumn(String sqlName, SqlTypeName type, int precision, boolean nullable) {
    this.sqlName = sqlName;
    this.type = type;
    this.precision = precision;
    this.nullable = nullable;
  }

  /** The column of a scan column number. */
  public static MetricColumn of(int number) {
    return BY_NUMBER[number];
  }

  public int number() {
    return ordinal();
  }

  /** Whether rows come sorted on it: ts and ts_ns, as archives are read in time order. */
  public boolean isTime() {
    return this == TS || this == TS_NS;
  }

  static int count() {
    return BY_NUMBER.length;
  }

  /** The columns of the long table ({@code metric} null) or of one metric's table. */
  public static int[] ofTable(String metric) {
    return (metric == null ? LONG_TABLE : METRIC_TABLE).clone();
  }

  /** The SQL row type of these columns, by number, in the order given. */
  public static RelDataType rowType(RelDataTypeFactory f, int[] numbers) {
    RelDataTypeFactory.Builder b = f.builder();
    for (int number : numbers) {
      of(number).addTo(b);
    }
    return b.build();
  }

  /** The SQL row type of these columns, for tables that share some of them. */
  public static RelDataType rowType(RelDataTypeFactory f, List<MetricColumn> columns) {
    RelDataTypeFactory.Builder b = f.builder();
    columns.forEach(c -> c.addTo(b));
    return b.build();
  }

  private void addTo(RelDataTypeFactory.Builder b) {
    if (type == SqlTypeName.DECIMAL) {
      b.add(sqlName, type, precision, 0);
    } else if (precision != RelDataType.PRECISION_NOT_SPECIFIED) {
      b.add(sqlName, type, precision);
    } else {
      b.add(sqlName, type);
    }
    b.nullable(nullable);
  }
}
