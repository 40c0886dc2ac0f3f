package org.pmsql.archive;

import java.io.Closeable;
import java.io.IOException;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.ResultRecord;

/**
 * Records in time order, from finished archives or from archives still being written; what
 * turns records into rows needs nothing else.
 */
public interface RecordCursor extends Closeable {
  /** Moves to the next record; false when there are no more. */
  boolean next() throws IOException;

  long timestampNanos();

  /** A mark: a gap in the data (logger restart, or between two archives). */
  boolean isMark();

  /** The current record; meaningless on a mark made between archives. */
  ResultRecord record();

  /** What describes the current record's metrics and instances. */
  ArchiveMetadata metadata();
}
