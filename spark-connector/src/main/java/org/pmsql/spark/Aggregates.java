package org.pmsql.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.NamedReference;
import org.apache.spark.sql.connector.expressions.aggregate.AggregateFunc;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.expressions.aggregate.Count;
import org.apache.spark.sql.connector.expressions.aggregate.CountStar;
import org.apache.spark.sql.connector.expressions.aggregate.Max;
import org.apache.spark.sql.connector.expressions.aggregate.Min;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The aggregates a read computes itself, where they are exact without looking at values:
 * counts of values, and the first and last times, grouped by nothing, host or metric. Each
 * slice gives its partial results; Spark combines them.
 */
record Aggregates(List<ValueColumns> groupBy, List<Aggregate> aggregates)
    implements Serializable {

  /** COUNT(*) (column null), COUNT of a column never null, MIN or MAX of ts or ts_ns. */
  record Aggregate(String function, ValueColumns column) implements Serializable {}

  /** The aggregation as this read computes it, or null when it cannot be exact. */
  static Aggregates of(Aggregation aggregation) {
    List<ValueColumns> groupBy = new ArrayList<>();
    for (Expression e : aggregation.groupByExpressions()) {
      ValueColumns c = column(e);
      if (c != ValueColumns.HOST && c != ValueColumns.METRIC) {
        return null;
      }
      groupBy.add(c);
    }
    List<Aggregate> aggregates = new ArrayList<>();
    for (AggregateFunc f : aggregation.aggregateExpressions()) {
      if (f instanceof CountStar) {
        aggregates.add(new Aggregate("COUNT", null));
      } else if (f instanceof Count count && !count.isDistinct()
          && column(count.column()) != null && !column(count.column()).nullable) {
        aggregates.add(new Aggregate("COUNT", null));
      } else if ((f instanceof Min || f instanceof Max) && isTime(column(f.children()[0]))) {
        aggregates.add(new Aggregate(f instanceof Min ? "MIN" : "MAX",
            column(f.children()[0])));
      } else {
        return null;
      }
    }
    return new Aggregates(List.copyOf(groupBy), List.copyOf(aggregates));
  }

  private static boolean isTime(ValueColumns c) {
    return c == ValueColumns.TS || c == ValueColumns.TS_NS;
  }

  private static ValueColumns column(Expression e) {
    return e instanceof NamedReference r && r.fieldNames().length == 1
        ? ValueColumns.named(r.fieldNames()[0]) : null;
  }

  /** The grouping columns, then each aggregate's partial result, as Spark expects them. */
  StructType schema() {
    List<StructField> fields = new ArrayList<>();
    for (ValueColumns c : groupBy) {
      fields.add(new StructField(c.sqlName, c.type, false, Metadata.empty()));
    }
    for (int i = 0; i < aggregates.size(); i++) {
      Aggregate a = aggregates.get(i);
      fields.add(a.column() == null
          ? new StructField("count_" + i, DataTypes.LongType, false, Metadata.empty())
          : new StructField(a.function().toLowerCase() + "_" + a.column().sqlName + "_" + i,
              a.column().type, true, Metadata.empty()));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  @Override
  public String toString() {
    return aggregates.stream().map(a -> a.function() + "(" + (a.column() == null ? "*"
        : a.column().sqlName) + ")").toList() + (groupBy.isEmpty() ? ""
        : " GROUP BY " + groupBy.stream().map(c -> c.sqlName).toList());
  }
}
