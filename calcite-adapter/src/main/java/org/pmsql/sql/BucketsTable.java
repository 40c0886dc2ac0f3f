package org.pmsql.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/**
 * The rows of {@code buckets(metric, bucket_seconds, start, end, fill [, zone])}: for every
 * bucket of the window and every instance, the number of values, their mean, minimum and
 * maximum. Buckets are laid on the zone's wall clock from the local midnight of start's day
 * (so day buckets start at local midnight across daylight saving changes; UTC by default).
 * Empty buckets are filled as asked: none (left out), null, previous (the last non-empty
 * bucket's figures) or linear (between the non-empty buckets either side; none at the ends).
 */
final class BucketsTable extends MacroTable {
  /** How empty buckets are filled. */
  enum Fill { NONE, NULL, PREVIOUS, LINEAR }

  private final ArchiveSet set;
  private final String metric;
  private final long bucketNanos;
  private final long startNanos;
  private final long endNanos;
  private final Fill fill;
  private final ZoneId zone;

  BucketsTable(ArchiveSet set, String metric, long bucketNanos, long startNanos, long endNanos,
      Fill fill, ZoneId zone) {
    this.set = set;
    this.metric = metric;
    this.bucketNanos = bucketNanos;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
    this.fill = fill;
    this.zone = zone;
  }

  static Fill fill(String name) {
    try {
      return Fill.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("buckets: fill must be 'none', 'null', 'previous' or"
          + " 'linear', not '" + name + "'");
    }
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder()
        .add("bucket", SqlTypeName.TIMESTAMP, 3)
        .add("bucket_ns", SqlTypeName.BIGINT)
        .add("inst", SqlTypeName.INTEGER).nullable(true)
        .add("instance", SqlTypeName.VARCHAR).nullable(true)
        .add("n", SqlTypeName.BIGINT)
        .add("mean", SqlTypeName.DOUBLE).nullable(true)
        .add("low", SqlTypeName.DOUBLE).nullable(true)
        .add("high", SqlTypeName.DOUBLE).nullable(true)
        .build();
  }

  /**
   * The bounds of the buckets that meet [start, end]: wall-clock steps from the local midnight
   * of start's day; bucket k is [bounds[k], bounds[k + 1]).
   */
  private long[] bounds() {
    LocalDateTime midnight = LocalDateTime.ofInstant(Instant.ofEpochSecond(0, startNanos), zone)
        .truncatedTo(ChronoUnit.DAYS);
    List<Long> bounds = new ArrayList<>();
    for (long k = 0; toNanos(midnight.plusNanos(k * bucketNanos)) <= endNanos; k++) {
      long next = toNanos(midnight.plusNanos((k + 1) * bucketNanos));
      if (next > startNanos) {
        if (bounds.isEmpty()) {
          bounds.add(toNanos(midnight.plusNanos(k * bucketNanos)));
        }
        bounds.add(next);
      }
    }
    return bounds.stream().mapToLong(Long::longValue).toArray();
  }

  private long toNanos(LocalDateTime local) {
    Instant instant = local.atZone(zone).toInstant();
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  @Override
  public Enumerable<Object[]> rows(DataContext root) {
    QueryStop stop = QueryStop.of(root);
    long[] bounds = bounds();
    if (bounds.length < 2) {
      return Linq4j.emptyEnumerable();
    }
    try {
      return Linq4j.asEnumerable(fill(bounds, stats(bounds, stop)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Per instance (in the order first seen), per bucket: count, sum, min, max. */
  private Map<Integer, double[][]> stats(long[] bounds, QueryStop stop) throws IOException {
    Map<Integer, double[][]> byInstance = new LinkedHashMap<>();
    long windowEnd = bounds[bounds.length - 1];
    int buckets = bounds.length - 1;
    try (ArchiveCursor cursor = set.cursor()) {
      if (bounds[0] > set.startNanos()) {
        cursor.seek(bounds[0]);
      }
      while (cursor.next()) {
        stop.run();
        long t = cursor.timestampNanos();
        if (t >= windowEnd) {
          break;
        }
        int bucket = bucketOf(bounds, t);
        if (bucket < 0 || cursor.isMark()) {
          continue;
        }
        ResultRecord record = cursor.record();
        MetricDesc desc = cursor.metadata().desc(metric);
        for (int s = 0; desc != null && s < record.setCount(); s++) {
          if (record.pmid(s) != desc.pmid()) {
            continue;
          }
          for (int i = 0; i < record.numval(s); i++) {
            double v = record.doubleValue(s, i, desc.type());
            double[] b = byInstance.computeIfAbsent(record.inst(s, i),
                k -> empty(buckets))[bucket];
            b[0]++;
            b[1] += v;
            b[2] = Math.min(b[2], v);
            b[3] = Math.max(b[3], v);
          }
        }
      }
    }
    return byInstance;
  }

  private static double[][] empty(int buckets) {
    double[][] stats = new double[buckets][];
    for (int i = 0; i < buckets; i++) {
      stats[i] = new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    }
    return stats;
  }

  private static int bucketOf(long[] bounds, long t) {
    int i = Arrays.binarySearch(bounds, t);
    int bucket = i >= 0 ? i : -i - 2;
    return bucket >= 0 && bucket < bounds.length - 1 ? bucket : -1;
  }

  private List<Object[]> fill(long[] bounds, Map<Integer, double[][]> byInstance) {
    MetricDesc desc = set.desc(metric);
    if (desc == null) {
      throw new IllegalArgumentException("buckets: host " + set.hostname() + " has no metric "
          + metric);
    }
    if (!PmTypes.isNumeric(desc.type())) {
      throw new IllegalArgumentException("buckets: " + metric + " is not numeric");
    }
    List<Object[]> rows = new ArrayList<>();
    for (Map.Entry<Integer, double[][]> entry : byInstance.entrySet()) {
      int inst = entry.getKey();
      double[][] b = entry.getValue();
      for (int k = 0; k < bounds.length - 1; k++) {
        Double[] figures = b[k][0] > 0
            ? new Double[] {b[k][1] / b[k][0], b[k][2], b[k][3]} : filled(b, k);
        if (figures == null) {
          continue;
        }
        String name = desc.singular() ? null
            : set.instanceName(desc.indom(), inst, bounds[k]);
        rows.add(new Object[] {Math.floorDiv(bounds[k], 1_000_000L), bounds[k],
            desc.singular() ? null : inst, name, (long) b[k][0], figures[0], figures[1],
            figures[2]});
      }
    }
    return rows;
  }

  /** An empty bucket's mean, low and high, or null to leave it out. */
  private Double[] filled(double[][] b, int k) {
    int before = k - 1;
    while (before >= 0 && b[before][0] == 0) {
      before--;
    }
    int after = k + 1;
    while (after < b.length && b[after][0] == 0) {
      after++;
    }
    return switch (fill) {
      case NONE -> null;
      case NULL -> new Double[] {null, null, null};
      case PREVIOUS -> before < 0 ? new Double[] {null, null, null} : figures(b[before]);
      case LINEAR -> {
        if (before < 0 || after >= b.length) {
          yield new Double[] {null, null, null};
        }
        double w = (double) (k - before) / (after - before);
        Double[] p = figures(b[before]);
        Double[] n = figures(b[after]);
        yield new Double[] {p[0] + w * (n[0] - p[0]), p[1] + w * (n[1] - p[1]),
            p[2] + w * (n[2] - p[2])};
      }
    };
  }

  private static Double[] figures(double[] stats) {
    return new Double[] {stats[1] / stats[0], stats[2], stats[3]};
  }
}
