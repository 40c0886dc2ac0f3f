package org.pmsql.spark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import org.pmsql.archive.values.ValueCursor;

/**
 * A slice's partial aggregates: its values counted and their first and last times kept, per
 * metric when grouped by metric, without a value decoded. A slice with no values still gives
 * one row when nothing groups (a count of zero), as Spark's partial aggregation expects.
 */
final class SliceAggregates {
  private SliceAggregates() {}

  /** The slice's partial aggregates, one row per group. */
  static ListedRows of(Slice slice, ValueCursor values) throws IOException {
    Aggregates spec = slice.spec().aggregates();
    boolean byMetric = spec.groupBy().contains(ValueColumns.METRIC);
    // per group: count, first nanos, last nanos
    Map<String, long[]> groups = new LinkedHashMap<>();
    try (values) {
      while (values.next()) {
        long[] g = groups.computeIfAbsent(byMetric ? values.metric() : "",
            k -> new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
        g[0]++;
        g[1] = Math.min(g[1], values.nanos());
        g[2] = Math.max(g[2], values.nanos());
      }
    }
    if (groups.isEmpty() && spec.groupBy().isEmpty()) {
      groups.put("", new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE});
    }
    List<InternalRow> out = new ArrayList<>();
    for (Map.Entry<String, long[]> g : groups.entrySet()) {
      List<Object> row = new ArrayList<>();
      for (ValueColumns c : spec.groupBy()) {
        row.add(UTF8String.fromString(c == ValueColumns.HOST ? slice.host() : g.getKey()));
      }
      long[] v = g.getValue();
      for (Aggregates.Aggregate a : spec.aggregates()) {
        if (a.column() == null) {
          row.add(v[0]);
        } else if (v[0] == 0) {
          row.add(null);
        } else {
          long nanos = a.function().equals("MIN") ? v[1] : v[2];
          row.add(a.column() == ValueColumns.TS_NS ? nanos
              : ValueColumns.timestamp(nanos));
        }
      }
      out.add(new GenericInternalRow(row.toArray()));
    }
    return new ListedRows(out);
  }
}
