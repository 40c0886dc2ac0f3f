package org.pmsql.sql.function;

import java.sql.Timestamp;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;

/**
 * {@code time_bucket(INTERVAL '5' MINUTE, ts [, origin])}: the start of the interval-long bucket
 * that holds ts, buckets counted from origin (default 1970-01-01 00:00:00 UTC, so hours and days
 * fall on whole hours and days). For GROUP BY time_bucket(...): unlike FLOOR(ts TO unit) any
 * day-time interval works. Arithmetic is on Calcite's internal UTC milliseconds, so the JVM's
 * time zone plays no part.
 */
public final class TimeBucket {
  private TimeBucket() {}

  public static void register(SchemaPlus root) {
    // the interval is ANY (Object): no Java type stands for SQL's INTERVAL in a function
    root.add("time_bucket", ScalarFunctionImpl.create(TimeBucket.class, "bucket"));
    root.add("time_bucket", ScalarFunctionImpl.create(TimeBucket.class, "bucketFrom"));
  }

  public static Timestamp bucket(Object interval, Timestamp ts) {
    return bucketFrom(interval, ts, new Timestamp(0));
  }

  public static Timestamp bucketFrom(Object interval, Timestamp ts, Timestamp origin) {
    if (ts == null || interval == null || origin == null) {
      return null;
    }
    if (!(interval instanceof Long millis) || millis <= 0) {
      throw new IllegalArgumentException("time_bucket: the first argument must be a positive"
          + " day-time INTERVAL such as INTERVAL '5' MINUTE, not " + interval
          + " (month intervals have no fixed length)");
    }
    long t = SqlFunctions.toLong(ts);
    long o = SqlFunctions.toLong(origin);
    return SqlFunctions.internalToTimestamp(o + Math.floorDiv(t - o, millis) * millis);
  }
}
