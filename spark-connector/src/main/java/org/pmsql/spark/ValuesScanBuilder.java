package org.pmsql.spark;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.connector.expressions.aggregate.Aggregation;
import org.apache.spark.sql.connector.read.SupportsPushDownAggregates;
import org.apache.spark.sql.connector.read.SupportsPushDownFilters;
import org.apache.spark.sql.connector.read.SupportsPushDownLimit;
import org.apache.spark.sql.connector.read.SupportsPushDownRequiredColumns;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;
import org.apache.spark.sql.sources.StringStartsWith;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Narrows a read by the filters Spark offers (time bounds on ts or ts_ns, host, metric and
 * instance equality and IN, metric prefixes), the columns it needs, its LIMIT, and counts and
 * first and last times. Every filter is also handed back for Spark to evaluate on the rows:
 * the read only prunes.
 */
final class ValuesScanBuilder implements ScanBuilder, SupportsPushDownFilters,
    SupportsPushDownRequiredColumns, SupportsPushDownLimit, SupportsPushDownAggregates {
  private static final long MILLI = 1_000_000L;
  private final ReadOptions options;
  private ReadSpec spec;
  private Filter[] pushed = new Filter[0];

  ValuesScanBuilder(ReadSpec spec, ReadOptions options) {
    this.spec = spec;
    this.options = options;
  }

  @Override
  public Filter[] pushFilters(Filter[] filters) {
    List<Filter> used = new ArrayList<>();
    for (Filter f : filters) {
      ReadSpec narrowed = narrow(spec, f);
      if (narrowed != spec) {
        used.add(f);
        spec = narrowed;
      }
    }
    pushed = used.toArray(Filter[]::new);
    return filters;
  }

  @Override
  public Filter[] pushedFilters() {
    return pushed.clone();
  }

  @Override
  public void pruneColumns(StructType required) {
    List<ValueColumns> chosen = new ArrayList<>();
    for (StructField f : required.fields()) {
      ValueColumns c = ValueColumns.named(f.name());
      if (c != null) {
        chosen.add(c);
      }
    }
    spec = spec.columns(chosen.toArray(ValueColumns[]::new));
  }

  /** Each slice stops after the limit; Spark applies it again over all the slices. */
  @Override
  public boolean pushLimit(int limit) {
    spec = spec.limit(limit);
    return true;
  }

  /**
   * Counts and first and last times, by nothing, host or metric, as each slice's partial
   * results (Spark pushes them only when no filter is left for it to apply).
   */
  @Override
  public boolean pushAggregation(Aggregation aggregation) {
    Aggregates aggregates = Aggregates.of(aggregation);
    if (aggregates == null || spec.limit() != Long.MAX_VALUE) {
      return false;
    }
    spec = spec.aggregated(aggregates);
    return true;
  }

  @Override
  public Scan build() {
    return new ValuesScan(spec, options);
  }

  /** The spec narrowed by the filter, or the same spec when it does not apply. */
  private static ReadSpec narrow(ReadSpec spec, Filter f) {
    if (f instanceof EqualTo e) {
      return equal(spec, e.attribute(), e.value());
    }
    if (f instanceof In in) {
      return among(spec, in.attribute(), in.values());
    }
    if (f instanceof StringStartsWith s && s.attribute().equalsIgnoreCase("metric")) {
      return spec.prefix(s.value());
    }
    if (f instanceof GreaterThan g) {
      return lower(spec, g.attribute(), g.value(), true);
    }
    if (f instanceof GreaterThanOrEqual g) {
      return lower(spec, g.attribute(), g.value(), false);
    }
    if (f instanceof LessThan l) {
      return upper(spec, l.attribute(), l.value(), true);
    }
    if (f instanceof LessThanOrEqual l) {
      return upper(spec, l.attribute(), l.value(), false);
    }
    return spec;
  }

  private static ReadSpec equal(ReadSpec spec, String attribute, Object value) {
    ReadSpec same = among(spec, attribute, new Object[] {value});
    if (same != spec) {
      return same;
    }
    ReadSpec low = lower(spec, attribute, value, false);
    return low == spec ? spec : upper(low, attribute, value, false);
  }

  private static ReadSpec among(ReadSpec spec, String attribute, Object[] values) {
    ValueColumns column = ValueColumns.named(attribute);
    if (column == null) {
      return spec;
    }
    switch (column) {
      case HOST, METRIC, INSTANCE -> {
        List<String> names = new ArrayList<>();
        for (Object v : values) {
          if (v instanceof String s) {
            names.add(s);
          } else if (v != null) {
            return spec;
          }
        }
        return column == ValueColumns.HOST ? spec.hosts(names)
            : column == ValueColumns.METRIC ? spec.metrics(names) : spec.instances(names);
      }
      case INST -> {
        List<Integer> numbers = new ArrayList<>();
        for (Object v : values) {
          if (v instanceof Integer n) {
            numbers.add(n);
          } else if (v != null) {
            return spec;
          }
        }
        return spec.insts(numbers);
      }
      default -> {
        return spec;
      }
    }
  }

  /** ts or ts_ns above (or at) the value. */
  private static ReadSpec lower(ReadSpec spec, String attribute, Object value, boolean strict) {
    if (attribute.equalsIgnoreCase("ts_ns") && value instanceof Long n) {
      return strict && n == Long.MAX_VALUE ? spec.until(Long.MIN_VALUE)
          : spec.from(strict ? n + 1 : n);
    }
    Long nanos = attribute.equalsIgnoreCase("ts") ? nanos(value) : null;
    // ts is ts_ns to the millisecond: ts >= t holds from the millisecond holding t
    return nanos == null ? spec : spec.from(Math.floorDiv(nanos, MILLI) * MILLI);
  }

  /** ts or ts_ns below (or at) the value. */
  private static ReadSpec upper(ReadSpec spec, String attribute, Object value, boolean strict) {
    if (attribute.equalsIgnoreCase("ts_ns") && value instanceof Long n) {
      return strict && n == Long.MIN_VALUE ? spec.from(Long.MAX_VALUE)
          : spec.until(strict ? n - 1 : n);
    }
    Long nanos = attribute.equalsIgnoreCase("ts") ? nanos(value) : null;
    // ts <= t holds until the end of the millisecond holding t
    return nanos == null ? spec : spec.until(Math.floorDiv(nanos, MILLI) * MILLI + MILLI - 1);
  }

  private static Long nanos(Object value) {
    Instant instant = value instanceof Timestamp t ? t.toInstant()
        : value instanceof Instant i ? i : null;
    if (instant == null) {
      return null;
    }
    try {
      return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L),
          instant.getNano());
    } catch (ArithmeticException e) {
      return instant.getEpochSecond() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return spec.describe() + " pushed " + Arrays.toString(pushed);
  }
}
