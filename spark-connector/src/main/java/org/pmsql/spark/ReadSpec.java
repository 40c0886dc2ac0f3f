package org.pmsql.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a read takes from the archives, as filters pushed into it narrow it: the archive paths,
 * the hosts, metrics (names or prefixes), instances (numbers or names) and time window
 * (nanoseconds, inclusive) wanted (null: all), the columns to produce, and the rows a slice
 * need give at most (a query's LIMIT, which Spark applies again over all), or the aggregates
 * to give instead of values (Spark combines each slice's). It only prunes:
 * Spark evaluates every filter again on the rows, so a bound here may be loose, never tight.
 */
record ReadSpec(List<String> archives, Set<String> hosts, Set<String> metrics,
    Set<String> prefixes, Set<Integer> insts, Set<String> instances, long lowNanos,
    long highNanos, ValueColumns[] columns, long limit, Aggregates aggregates)
    implements Serializable {

  static ReadSpec of(List<String> archives) {
    return new ReadSpec(List.copyOf(archives), null, null, null, null, null, Long.MIN_VALUE,
        Long.MAX_VALUE, ValueColumns.values(), Long.MAX_VALUE, null);
  }

  /** Whether no value can be read: an empty window or an empty choice. */
  boolean empty() {
    return lowNanos > highNanos || isEmpty(hosts) || isEmpty(metrics) && prefixes == null
        || isEmpty(insts) || isEmpty(instances);
  }

  private static boolean isEmpty(Set<?> s) {
    return s != null && s.isEmpty();
  }

  ReadSpec from(long nanos) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, instances,
        Math.max(lowNanos, nanos), highNanos, columns, limit, aggregates);
  }

  ReadSpec until(long nanos) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, instances, lowNanos,
        Math.min(highNanos, nanos), columns, limit, aggregates);
  }

  ReadSpec hosts(Collection<String> names) {
    return new ReadSpec(archives, both(hosts, names), metrics, prefixes, insts, instances,
        lowNanos, highNanos, columns, limit, aggregates);
  }

  ReadSpec metrics(Collection<String> names) {
    return new ReadSpec(archives, hosts, both(metrics, names), null, insts, instances,
        lowNanos, highNanos, columns, limit, aggregates);
  }

  /** Metrics under a prefix; an exact choice already made is narrower, and stays. */
  ReadSpec prefix(String prefix) {
    if (metrics != null || prefixes != null) {
      return this;
    }
    return new ReadSpec(archives, hosts, null, Set.of(prefix), insts, instances, lowNanos,
        highNanos, columns, limit, aggregates);
  }

  ReadSpec insts(Collection<Integer> numbers) {
    return new ReadSpec(archives, hosts, metrics, prefixes, both(insts, numbers), instances,
        lowNanos, highNanos, columns, limit, aggregates);
  }

  ReadSpec instances(Collection<String> names) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, both(instances, names),
        lowNanos, highNanos, columns, limit, aggregates);
  }

  ReadSpec columns(ValueColumns[] chosen) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, instances, lowNanos,
        highNanos, chosen.clone(), limit, aggregates);
  }

  ReadSpec limit(long rows) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, instances, lowNanos,
        highNanos, columns, Math.min(limit, rows), aggregates);
  }

  /** The read gives these aggregates of its values instead of the values. */
  ReadSpec aggregated(Aggregates chosen) {
    return new ReadSpec(archives, hosts, metrics, prefixes, insts, instances, lowNanos,
        highNanos, columns, limit, chosen);
  }

  private static <T> Set<T> both(Set<T> chosen, Collection<T> more) {
    Set<T> result = new LinkedHashSet<>(more);
    if (chosen != null) {
      result.retainAll(chosen);
    }
    return Set.copyOf(result);
  }

  /** What the scan pushed, for Spark's plan. */
  String describe() {
    List<String> parts = new ArrayList<>();
    if (hosts != null) {
      parts.add("host IN " + hosts);
    }
    if (metrics != null) {
      parts.add("metric IN " + metrics);
    }
    if (prefixes != null) {
      parts.add("metric LIKE " + prefixes.stream().map(p -> p + "%").toList());
    }
    if (insts != null) {
      parts.add("inst IN " + insts);
    }
    if (instances != null) {
      parts.add("instance IN " + instances);
    }
    if (lowNanos != Long.MIN_VALUE) {
      parts.add("ts_ns >= " + lowNanos);
    }
    if (highNanos != Long.MAX_VALUE) {
      parts.add("ts_ns <= " + highNanos);
    }
    if (limit != Long.MAX_VALUE) {
      parts.add("LIMIT " + limit);
    }
    if (aggregates != null) {
      parts.add("aggregates " + aggregates);
    }
    return "pcp [" + String.join(", ", parts) + "] columns "
        + Arrays.stream(columns).map(c -> c.sqlName).collect(Collectors.joining(", "));
  }
}
