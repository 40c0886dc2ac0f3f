package org.pmsql.archive.format;

import java.nio.charset.StandardCharsets;
import org.pmsql.archive.source.ArchiveFormatException;

/**
 * Reads the fields of one metadata record, refusing any read past the record's end so a lying
 * count or length is reported at its offset instead of being trusted.
 */
final class FieldReader {
  private final byte[] b;
  private final int start;
  private final int end;
  private final String file;
  private final long fileOffset;
  private int pos;

  FieldReader(byte[] b, int start, int length, String file, long fileOffset) {
    this.b = b;
    this.start = start;
    this.end = start + length;
    this.file = file;
    this.fileOffset = fileOffset;
    this.pos = start;
  }

  int i32() throws ArchiveFormatException {
    need(4);
    int v = BigEndian.getInt(b, pos);
    pos += 4;
    return v;
  }

  int u16() throws ArchiveFormatException {
    need(2);
    int v = (b[pos] & 0xff) << 8 | (b[pos + 1] & 0xff);
    pos += 2;
    return v;
  }

  int u8() throws ArchiveFormatException {
    need(1);
    return b[pos++] & 0xff;
  }

  /** The UTF-8 text of n bytes at {@code at}, a place the caller checked lies in the record. */
  String utf8At(int at, int n) {
    return new String(b, at, n, StandardCharsets.UTF_8);
  }

  /** A timestamp in nanoseconds: v2 is sec + µs, v3 is swapped 64-bit sec + ns. */
  long stamp(int version) throws ArchiveFormatException {
    if (version == 2) {
      need(8);
      long sec = BigEndian.getInt(b, pos);
      long usec = BigEndian.getInt(b, pos + 4);
      pos += 8;
      return sec * 1_000_000_000L + usec * 1000L;
    }
    need(12);
    long sec = BigEndian.getSwappedSeconds(b, pos);
    long nsec = BigEndian.getInt(b, pos + 8);
    pos += 12;
    return sec * 1_000_000_000L + nsec;
  }

  /** A count of items that each take at least {@code itemBytes} of what is left. */
  int count(int itemBytes, String what) throws ArchiveFormatException {
    int at = pos;
    int n = i32();
    if (n < 0 || (long) n * itemBytes > end - pos) {
      throw error(at, what + " count " + n + " does not fit in the record");
    }
    return n;
  }

  String utf8(int n) throws ArchiveFormatException {
    if (n < 0) {
      throw error(pos, "negative length " + n);
    }
    need(n);
    String s = new String(b, pos, n, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  /** A field of n bytes holding a string, cut at its first NUL as a C reader would. */
  String cString(int n) throws ArchiveFormatException {
    if (n < 0) {
      throw error(pos, "negative length " + n);
    }
    need(n);
    int end = pos;
    while (end < pos + n && b[end] != 0) {
      end++;
    }
    String s = new String(b, pos, end - pos, StandardCharsets.UTF_8);
    pos += n;
    return s;
  }

  /** The NUL-terminated string at {@code at} within [from, limit), or null if none ends there. */
  String cStringAt(int at, int limit) {
    int e = at;
    while (e < limit && b[e] != 0) {
      e++;
    }
    return e < limit ? new String(b, at, e - at, StandardCharsets.UTF_8) : null;
  }

  /** Current position, relative to the array. */
  int pos() {
    return pos;
  }

  int end() {
    return end;
  }

  int remaining() {
    return end - pos;
  }

  void skip(int n) throws ArchiveFormatException {
    need(n);
    pos += n;
  }

  ArchiveFormatException error(int at, String reason) {
    return new ArchiveFormatException(file, fileOffset + (at - start), reason);
  }

  private void need(int n) throws ArchiveFormatException {
    if (n > end - pos) {
      throw error(pos, "field runs past the end of its record");
    }
  }
}
