package org.pmsql.sql.tablefn;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.calcite.schema.TranslatableTable;
import org.pmsql.archive.ArchiveSet;

/**
 * {@code TABLE(<host>.buckets(metric, bucket, start, end, fill [, zone]))}: per bucket
 * and instance the count, mean, low and high of a metric's values, empty buckets filled with
 * 'none', 'null', 'previous' or 'linear', buckets on the wall clock of a time zone (UTC unless
 * named).
 */
public final class BucketsMacro extends HostMacro {
  public static final String NAME = "buckets";
  private static final String[] NAMES = {"metric", "bucket", "start", "end", "fill", "zone"};
  /** The bucket is seconds or a calendar 'N weeks' / 'N months', hence ANY (Object). */
  private static final Class<?>[] TYPES =
      {String.class, Object.class, Object.class, Object.class, String.class, String.class};

  private final ArchiveSet set;

  private BucketsMacro(ArchiveSet set, int arity) {
    super(NAME, NAMES, TYPES, arity);
    this.set = set;
  }

  public static List<BucketsMacro> overloads(ArchiveSet set) {
    return List.of(new BucketsMacro(set, 5), new BucketsMacro(set, 6));
  }

  @Override
  public TranslatableTable apply(List<?> arguments) {
    Object bucket = arguments.get(1) instanceof org.apache.calcite.util.NlsString s
        ? s.getValue() : arguments.get(1);
    BucketsTable.Width width = BucketsTable.Width.parse(bucket);
    long start = timestampNanos(arguments, 2);
    long end = timestampNanos(arguments, 3);
    if (end < start) {
      throw refused("end is before start");
    }
    ZoneId zone = ZoneOffset.UTC;
    if (arity() > 5) {
      try {
        zone = ZoneId.of(text(arguments, 5));
      } catch (DateTimeException e) {
        throw refused("not a time zone: '" + text(arguments, 5) + "'");
      }
    }
    return new BucketsTable(set, text(arguments, 0), width, start, end,
        BucketsTable.fill(text(arguments, 4)), zone);
  }
}
