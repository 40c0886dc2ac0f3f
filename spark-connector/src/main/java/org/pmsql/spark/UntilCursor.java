package org.pmsql.spark;

import java.io.IOException;
import org.pmsql.archive.RecordCursor;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.ResultRecord;

/**
 * A cursor's records up to a time that is one of its records' (a batch's end): it ends after
 * that record without asking for the next, which a follower would wait for.
 */
final class UntilCursor implements RecordCursor {
  private final RecordCursor records;
  private final long untilNanos;
  private long lastNanos = Long.MIN_VALUE;

  UntilCursor(RecordCursor records, long untilNanos) {
    this.records = records;
    this.untilNanos = untilNanos;
  }

  @Override
  public boolean next() throws IOException {
    if (lastNanos >= untilNanos || !records.next()) {
      return false;
    }
    lastNanos = records.timestampNanos();
    return lastNanos <= untilNanos;
  }

  @Override
  public long timestampNanos() {
    return records.timestampNanos();
  }

  @Override
  public boolean isMark() {
    return records.isMark();
  }

  @Override
  public ResultRecord record() {
    return records.record();
  }

  @Override
  public ArchiveMetadata metadata() {
    return records.metadata();
  }

  @Override
  public void close() throws IOException {
    records.close();
  }
}
