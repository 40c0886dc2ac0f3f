package org.pmsql.sql.tablefn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.sql.scan.QueryStop;

/**
 * The rows of {@code buckets(metric, bucket, start, end, fill [, zone])}: for every bucket of
 * the window and every instance, the number of values, their mean, minimum and maximum.
 * Buckets are laid on the zone's wall clock (UTC by default): a number of seconds from the
 * local midnight of start's day (so day buckets start at local midnight across daylight saving
 * changes), or calendar weeks from Monday or months from the first.
 * Empty buckets are filled as asked: none (left out), null, previous (the last non-empty
 * bucket's figures) or linear (between the non-empty buckets either side; none at the ends).
 */
final class BucketsTable extends MacroTable {
  /** How empty buckets are filled. */
  enum Fill { NONE, NULL, PREVIOUS, LINEAR }

  /**
   * A bucket length on the wall clock: seconds from local midnight, or calendar weeks (from
   * Monday) or months (from the first of the month), which have no fixed length.
   */
  record Width(long nanos, int weeks, int months) {
    private static final Pattern CALENDAR = Pattern.compile("(\\d{1,3}) (week|month)s?");

    static Width parse(Object value) {
      if (value instanceof Number n) {
        double seconds = n.doubleValue();
        if (!(seconds > 0) || seconds > 366 * 86400.0) {
          throw new IllegalArgumentException("buckets: bucket_seconds must be above 0 and at"
              + " most a year, not " + seconds);
        }
        return new Width(Math.round(seconds * 1e9), 0, 0);
      }
      String text = String.valueOf(value).trim().toLowerCase(Locale.ROOT);
      Matcher m = CALENDAR.matcher(text);
      if (!m.matches() || Integer.parseInt(m.group(1)) == 0) {
        throw new IllegalArgumentException("buckets: the bucket is a number of seconds or"
            + " 'N week(s)' or 'N month(s)', not '" + value + "'");
      }
      int count = Integer.parseInt(m.group(1));
      return m.group(2).equals("week") ? new Width(0, count, 0) : new Width(0, 0, count);
    }

    /** Where buckets are counted from: the day's, week's or month's start. */
    LocalDateTime origin(LocalDateTime local) {
      LocalDateTime midnight = local.truncatedTo(ChronoUnit.DAYS);
      return weeks > 0 ? midnight.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
          : months > 0 ? midnight.withDayOfMonth(1) : midnight;
    }

    LocalDateTime start(LocalDateTime origin, long k) {
      return weeks > 0 ? origin.plusWeeks(k * weeks)
          : months > 0 ? origin.plusMonths(k * months) : origin.plusNanos(k * nanos);
    }
  }

  private final ArchiveSet set;
  private final String metric;
  private final Width width;
  private final long startNanos;
  private final long endNanos;
  private final Fill fill;
  private final ZoneId zone;

  BucketsTable(ArchiveSet set, String metric, Width width, long startNanos, long endNanos,
      Fill fill, ZoneId zone) {
    this.set = set;
    this.metric = metric;
    this.width = width;
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
    LocalDateTime origin = width.origin(
        LocalDateTime.ofInstant(Instant.ofEpochSecond(0, startNanos), zone));
    List<Long> bounds = new ArrayList<>();
    for (long k = 0; toNanos(width.start(origin, k)) <= endNanos; k++) {
      long next = toNanos(width.start(origin, k + 1));
      if (next > startNanos) {
        if (bounds.isEmpty()) {
          bounds.add(toNanos(width.start(origin, k)));
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
    ArchiveMetadata metadata = null;
    MetricDesc desc = null;
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
        if (cursor.metadata() != metadata) {
          // a name lookup once per archive, not per record
          metadata = cursor.metadata();
          desc = metadata.desc(metric);
        }
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
