package org.pmsql.archive.format;

import java.io.IOException;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSource;

/**
 * Reads the length-framed records of a .meta file or data volume ({@code len, payload, len}),
 * forwards or backwards, through one reusable buffer. Every length word is checked against the
 * bytes that exist before anything is allocated or read, so a hostile length can neither
 * exhaust memory nor make the reader wander.
 */
public final class RecordStream {
  /** Larger than any record pmlogger writes (its PDUs are far smaller); guards the buffer size. */
  public static final int MAX_RECORD_LENGTH = 64 << 20;
  private static final int DEFAULT_BUFFER = 1 << 20;

  private final ByteSource source;
  private final long size;
  private final int minLength;
  private byte[] buffer;
  private long bufferStart;
  private int bufferLength;
  private long recordStart;
  private int recordLength;
  /** Between records: {@link #next()} reads the record starting here, {@link #previous} the one ending here. */
  private long position;

  /**
   * @param minLength the smallest legal record, so that a zero or tiny length word is reported
   *     as damage rather than looping in place
   */
  public RecordStream(ByteSource source, long start, int minLength) throws IOException {
    this(source, start, minLength, DEFAULT_BUFFER);
  }

  public RecordStream(ByteSource source, long start, int minLength, int bufferSize)
      throws IOException {
    this.source = source;
    this.size = source.size();
    this.minLength = minLength;
    this.buffer = new byte[(int) Math.max(64, Math.min(bufferSize, size))];
    this.position = start;
    this.recordStart = start;
  }

  public long size() {
    return size;
  }

  /** File offset of the current record's first length word. */
  public long recordStart() {
    return recordStart;
  }

  public int recordLength() {
    return recordLength;
  }

  /** The buffer holding the current record, at {@link #recordOffset()}. */
  public byte[] buffer() {
    return buffer;
  }

  public int recordOffset() {
    return (int) (recordStart - bufferStart);
  }

  /**
   * Moves to a record boundary: {@link #next()} then reads the record starting there and
   * {@link #previous} the record ending there.
   */
  public void seek(long boundary) {
    position = boundary;
  }

  /**
   * Reads the record at the current position. Returns false at the clean end of the file;
   * throws for a partial or damaged record, naming its offset.
   */
  public boolean next() throws IOException {
    long at = position;
    long remaining = size - at;
    if (remaining <= 0) {
      return false;
    }
    if (remaining < 4) {
      throw new ArchiveFormatException(source.name(), at,
          "truncated record: " + remaining + " bytes left, no room for a length word");
    }
    int length = readIntAt(at);
    checkLength(length, at, remaining);
    load(at, length);
    int trailer = BigEndian.getInt(buffer, (int) (at - bufferStart) + length - 4);
    if (trailer != length) {
      throw new ArchiveFormatException(source.name(), at + length - 4,
          "record trailer " + trailer + " does not match its length " + length);
    }
    recordStart = at;
    recordLength = length;
    position = at + length;
    return true;
  }

  /**
   * Reads the record that ends at the current position (each record ends with its own length,
   * so archives can be read backwards) and moves before it. Returns false at {@code floor}.
   */
  public boolean previous(long floor) throws IOException {
    long end = position;
    if (end - floor < 4) {
      return false;
    }
    loadBackward(end - 4, 4);
    int length = BigEndian.getInt(buffer, (int) (end - 4 - bufferStart));
    long at = end - length;
    if (length < minLength || length > MAX_RECORD_LENGTH || at < floor) {
      throw new ArchiveFormatException(source.name(), end - 4,
          "record length " + length + " before this offset is impossible");
    }
    loadBackward(at, length);
    if (BigEndian.getInt(buffer, (int) (at - bufferStart)) != length) {
      throw new ArchiveFormatException(source.name(), at,
          "record header does not match the trailer at " + (end - 4));
    }
    recordStart = at;
    recordLength = length;
    position = at;
    return true;
  }

  private void checkLength(int length, long at, long remaining) throws ArchiveFormatException {
    if (length < minLength) {
      throw new ArchiveFormatException(source.name(), at,
          "record length " + length + " is below the minimum " + minLength);
    }
    if (length > remaining) {
      throw new ArchiveFormatException(source.name(), at,
          "truncated record: length " + length + " but only " + remaining + " bytes left");
    }
    if (length > MAX_RECORD_LENGTH) {
      throw new ArchiveFormatException(source.name(), at,
          "record length " + length + " exceeds the limit of " + MAX_RECORD_LENGTH);
    }
  }

  /** As {@link #load}, but keeps the bytes before {@code at} too: the next step goes there. */
  private void loadBackward(long at, int length) throws IOException {
    if (at >= bufferStart && at + length <= bufferStart + bufferLength) {
      return;
    }
    long start = Math.max(0, at + length - buffer.length);
    load(start, (int) (at + length - start));
  }

  private int readIntAt(long at) throws IOException {
    load(at, 4);
    return BigEndian.getInt(buffer, (int) (at - bufferStart));
  }

  /**
   * Makes bytes [at, at+length) resident in the buffer; length was validated by the caller. A
   * record straddling the buffer's end keeps the bytes already read, so the source is always
   * read onwards from where it stopped: a compressed source never has to seek back.
   */
  private void load(long at, int length) throws IOException {
    if (at >= bufferStart && at + length <= bufferStart + bufferLength) {
      return;
    }
    int keep = 0;
    if (at >= bufferStart && at < bufferStart + bufferLength) {
      keep = (int) (bufferStart + bufferLength - at);
    }
    byte[] target = length > buffer.length ? new byte[Math.max(length, buffer.length * 2)] : buffer;
    if (keep > 0) {
      System.arraycopy(buffer, (int) (at - bufferStart), target, 0, keep);
    }
    buffer = target;
    bufferStart = at;
    bufferLength = keep;
    int want = (int) Math.min(buffer.length - keep, size - (at + keep));
    bufferLength += source.read(at + keep, buffer, keep, want);
    if (bufferLength < length) {
      throw new ArchiveFormatException(source.name(), at + bufferLength, "unexpected end of data");
    }
  }
}
