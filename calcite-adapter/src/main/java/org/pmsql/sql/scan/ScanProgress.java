package org.pmsql.sql.scan;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Archive records read by metrics scans in this process, for a progress line on long queries.
 * Scans add in batches, so the count costs nothing per record.
 */
public final class ScanProgress {
  private static final AtomicLong RECORDS = new AtomicLong();

  private ScanProgress() {}

  public static long records() {
    return RECORDS.get();
  }

  static void add(long records) {
    RECORDS.addAndGet(records);
  }
}
