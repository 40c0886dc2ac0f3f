package org.pmsql.archive.follow;

import java.io.Closeable;
import java.io.IOException;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.format.BigEndian;
import org.pmsql.archive.format.RecordStream;
import org.pmsql.archive.source.ByteSource;

/**
 * The length-framed records of a file a logger may still be appending to. A record counts only
 * once all of it is on disk: a missing or partial trailing record means "not yet", never damage,
 * because pmlogger writes each record with one unbuffered write. A whole record whose framing is
 * wrong is damage and names its offset.
 */
final class GrowingRecords implements Closeable {
  private final ByteSource source;
  private final int minLength;
  private final byte[] header = new byte[4];
  private byte[] buffer = new byte[4096];
  private long knownSize;
  private long position;
  private long recordStart;
  private int recordLength;

  GrowingRecords(ByteSource source, long start, int minLength) {
    this.source = source;
    this.position = start;
    this.minLength = minLength;
  }

  /** Reads the next whole record; false when it is not (yet) all there. */
  boolean next() throws IOException {
    if (!available(4) || source.read(position, header, 0, 4) < 4) {
      return false;
    }
    int length = BigEndian.getInt(header, 0);
    if (length < minLength || length > RecordStream.MAX_RECORD_LENGTH) {
      throw new ArchiveFormatException(source.name(), position,
          "record length " + length + " is outside " + minLength + ".."
              + RecordStream.MAX_RECORD_LENGTH);
    }
    if (!available(length)) {
      return false;
    }
    if (buffer.length < length) {
      buffer = new byte[Math.max(length, buffer.length * 2)];
    }
    if (source.read(position, buffer, 0, length) < length) {
      return false;
    }
    int trailer = BigEndian.getInt(buffer, length - 4);
    if (trailer != length) {
      throw new ArchiveFormatException(source.name(), position + length - 4,
          "record trailer " + trailer + " does not match its length " + length);
    }
    recordStart = position;
    recordLength = length;
    position += length;
    return true;
  }

  /** Whether {@code bytes} from the position are on disk; asks the file only when it must. */
  private boolean available(long bytes) throws IOException {
    if (position + bytes > knownSize) {
      knownSize = source.size();
    }
    return position + bytes <= knownSize;
  }

  /** Steps back over the record just read, so that the next call reads it again. */
  void unread() {
    position = recordStart;
  }

  /** Moves to a record boundary. */
  void seek(long boundary) {
    position = boundary;
  }

  byte[] buffer() {
    return buffer;
  }

  int recordLength() {
    return recordLength;
  }

  long recordStart() {
    return recordStart;
  }

  long position() {
    return position;
  }

  String name() {
    return source.name();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }
}
