package org.pmsql.archive.format;

import java.nio.charset.StandardCharsets;
import org.pmsql.archive.source.ArchiveFormatException;

/**
 * The label that starts every archive file. Offsets follow the verified layout in the format
 * brief (LOGARCHIVE(5) misplaces the v3 seconds words).
 *
 * @param version 2 or 3
 * @param startNanos the first (prologue) record's time, nanoseconds since the epoch
 * @param volume the volume number, -1 for .meta, -2 for .index
 * @param timezone the POSIX TZ string pmlogger recorded
 * @param zoneinfo the zoneinfo name (v3 only, "" otherwise), without libpcp's leading ':'
 */
public record Label(
    int version, int pid, long startNanos, int volume, String hostname, String timezone,
    String zoneinfo) {

  public static final int V2_LENGTH = 132;
  public static final int V3_LENGTH = 808;
  public static final int META_VOLUME = -1;
  public static final int INDEX_VOLUME = -2;
  private static final int MAGIC = 0x50052600;

  /** Bytes a caller must supply to {@link #decode}: enough for either version. */
  public static final int MAX_LENGTH = V3_LENGTH;

  /** Decodes a label from the start of a file; {@code available} bytes of {@code b} are valid. */
  public static Label decode(byte[] b, int available, String file) throws ArchiveFormatException {
    int expected = lengthOf(b, available, file);
    if (available < expected) {
      throw new ArchiveFormatException(file, available, "truncated label");
    }
    if (BigEndian.getInt(b, expected - 4) != expected) {
      throw new ArchiveFormatException(file, expected - 4, "label trailer does not match header");
    }
    if (expected == V2_LENGTH) {
      long start = BigEndian.getInt(b, 12) * 1_000_000_000L + BigEndian.getInt(b, 16) * 1000L;
      return new Label(2, BigEndian.getInt(b, 8), start, BigEndian.getInt(b, 20),
          cString(b, 24, 64), cString(b, 88, 40), "");
    }
    long start = BigEndian.getSwappedSeconds(b, 12) * 1_000_000_000L + BigEndian.getInt(b, 20);
    String zoneinfo = cString(b, 548, 256);
    return new Label(3, BigEndian.getInt(b, 8), start, BigEndian.getInt(b, 24),
        cString(b, 36, 256), cString(b, 292, 256),
        zoneinfo.startsWith(":") ? zoneinfo.substring(1) : zoneinfo);
  }

  /**
   * The length the label at the start of {@code b} must have, from its magic and version, once
   * its first 8 bytes are there; how a follower knows whether a growing file's label is whole.
   */
  public static int lengthOf(byte[] b, int available, String file) throws ArchiveFormatException {
    if (available < 8) {
      throw new ArchiveFormatException(file, 0, "file too short for a PCP archive label");
    }
    int length = BigEndian.getInt(b, 0);
    int magic = BigEndian.getInt(b, 4);
    if ((magic & 0xffffff00) != MAGIC) {
      throw new ArchiveFormatException(
          file, 4, String.format("not a PCP archive (label magic 0x%08x)", magic));
    }
    int version = magic & 0xff;
    int expected = version == 2 ? V2_LENGTH : version == 3 ? V3_LENGTH : -1;
    if (expected < 0) {
      throw new ArchiveFormatException(file, 4, "unsupported archive version " + version);
    }
    if (length != expected) {
      throw new ArchiveFormatException(
          file, 0, "label length " + length + ", expected " + expected + " for version " + version);
    }
    return expected;
  }

  public int length() {
    return version == 2 ? V2_LENGTH : V3_LENGTH;
  }

  /** A NUL-padded field; hostile labels without a NUL are cut at the field's end. */
  static String cString(byte[] b, int off, int max) {
    int end = off;
    while (end < off + max && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8);
  }
}
