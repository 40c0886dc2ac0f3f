package org.pmsql.archive.format;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.pmsql.archive.source.ArchiveFormatException;

/**
 * A view of one pmResult record in a data volume. One instance is reused for every record of a
 * scan: {@link #load} validates the whole record once (every count, every value pointer), after
 * which the accessors read values straight from the buffer without allocating.
 *
 * <p>Sets are indexed 0..{@link #setCount()}-1 and values within a set 0..{@link #numval}-1.
 */
public final class ResultRecord {
  public static final int VALFMT_INSITU = 0;
  /** Event flag: the record counts missed events and carries no parameters. */
  public static final int EVENT_FLAG_MISSED = 0x80000000;

  private byte[] b;
  private int base;
  private int length;
  private long timestampNanos;
  private int setCount;
  private int[] setOffsets = new int[64];

  /** The smallest record of each version: a mark record. */
  public static int minLength(int version) {
    return version == 2 ? 20 : 24;
  }

  /**
   * Points this view at the record of {@code length} bytes at {@code base} in {@code b}, after
   * checking all of it.
   */
  public void load(byte[] b, int base, int length, int version, String file, long fileOffset)
      throws ArchiveFormatException {
    this.b = b;
    this.base = base;
    this.length = length;
    int pos;
    if (version == 2) {
      timestampNanos = BigEndian.getInt(b, base + 4) * 1_000_000_000L
          + BigEndian.getInt(b, base + 8) * 1000L;
      pos = base + 12;
    } else {
      timestampNanos = BigEndian.getSwappedSeconds(b, base + 4) * 1_000_000_000L
          + BigEndian.getInt(b, base + 12);
      pos = base + 16;
    }
    int end = base + length - 4;
    int numpmid = BigEndian.getInt(b, pos);
    pos += 4;
    if (numpmid < 0 || (long) numpmid * 8 > end - pos) {
      throw new ArchiveFormatException(file, fileOffset + pos - 4 - base,
          "pmResult claims " + numpmid + " metrics, more than its " + length + " bytes hold");
    }
    if (setOffsets.length < numpmid) {
      setOffsets = new int[Math.max(numpmid, setOffsets.length * 2)];
    }
    for (int s = 0; s < numpmid; s++) {
      setOffsets[s] = pos;
      if (end - pos < 8) {
        throw damage(file, fileOffset, pos, "value set runs past the end of the record");
      }
      int numval = BigEndian.getInt(b, pos + 4);
      pos += 8;
      if (numval <= 0) {
        continue;
      }
      if ((long) numval * 8 + 4 > end - pos) {
        throw damage(file, fileOffset, pos - 4,
            "value set claims " + numval + " values, more than the record holds");
      }
      int valfmt = BigEndian.getInt(b, pos);
      pos += 4;
      if (valfmt != VALFMT_INSITU) {
        if (valfmt != 1 && valfmt != 2) {
          throw damage(file, fileOffset, pos - 4, "unknown value format " + valfmt);
        }
        for (int i = 0; i < numval; i++) {
          checkBlock(file, fileOffset, pos + i * 8 + 4, end);
        }
      }
      pos += numval * 8;
    }
    setCount = numpmid;
  }

  private void checkBlock(String file, long fileOffset, int wordPos, int end)
      throws ArchiveFormatException {
    // A pointer counts words from a virtual 3-word PDU header: byte offset 4*idx - 8.
    long block = 4L * BigEndian.getInt(b, wordPos) - 8;
    if (block < 8 || block > end - base - 4) {
      throw damage(file, fileOffset, wordPos, "value pointer " + block + " is outside the record");
    }
    int vlen = BigEndian.getInt(b, base + (int) block) & 0xffffff;
    if (vlen < 4 || block + vlen > end - base) {
      throw damage(file, fileOffset, base + (int) block,
          "value block of " + vlen + " bytes does not fit in the record");
    }
  }

  private ArchiveFormatException damage(String file, long fileOffset, int pos, String reason) {
    return new ArchiveFormatException(file, fileOffset + (pos - base), reason);
  }

  public long timestampNanos() {
    return timestampNanos;
  }

  /** A mark record: a gap in the data (pmlogger reconnected, archives were joined). */
  public boolean isMark() {
    return setCount == 0;
  }

  public int setCount() {
    return setCount;
  }

  public int pmid(int set) {
    return BigEndian.getInt(b, setOffsets[set]);
  }

  /** Number of values, or a negative PM_ERR code when the metric could not be fetched. */
  public int numval(int set) {
    return BigEndian.getInt(b, setOffsets[set] + 4);
  }

  public int valueFormat(int set) {
    return BigEndian.getInt(b, setOffsets[set] + 8);
  }

  public int inst(int set, int i) {
    return BigEndian.getInt(b, setOffsets[set] + 12 + i * 8);
  }

  private int word(int set, int i) {
    return BigEndian.getInt(b, setOffsets[set] + 16 + i * 8);
  }

  /** Offset in the buffer of value i's block header (only for pointer formats). */
  private int block(int set, int i) {
    return base + 4 * word(set, i) - 8;
  }

  private boolean insitu(int set) {
    return valueFormat(set) == VALFMT_INSITU;
  }

  /** Payload length in bytes of a pointer value (its block header excluded). */
  public int blockLength(int set, int i) {
    return insitu(set) ? 4 : (BigEndian.getInt(b, block(set, i)) & 0xffffff) - 4;
  }

  /**
   * The value as a long: signed for 32 and 64, zero-extended for U32, the raw bits for U64 (read
   * them with {@link Long#toUnsignedString}). Only for integer types.
   */
  public long longValue(int set, int i, int type) {
    if (insitu(set)) {
      int w = word(set, i);
      return type == PmTypes.TYPE_U32 ? w & 0xffffffffL : w;
    }
    int at = block(set, i) + 4;
    if (type == PmTypes.TYPE_64 || type == PmTypes.TYPE_U64) {
      return BigEndian.getLong(b, at);
    }
    int w = BigEndian.getInt(b, at);
    return type == PmTypes.TYPE_U32 ? w & 0xffffffffL : w;
  }

  /** The value as a double, for any numeric type. */
  public double doubleValue(int set, int i, int type) {
    switch (type) {
      case PmTypes.TYPE_FLOAT:
        return Float.intBitsToFloat(floatBits(set, i));
      case PmTypes.TYPE_DOUBLE:
        return Double.longBitsToDouble(BigEndian.getLong(b, block(set, i) + 4));
      case PmTypes.TYPE_U64: {
        long v = longValue(set, i, type);
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
      }
      default:
        return longValue(set, i, type);
    }
  }

  /** IEEE bits of a FLOAT value, in-situ (legacy writers) or in a block (current ones). */
  public int floatBits(int set, int i) {
    return insitu(set) ? word(set, i) : BigEndian.getInt(b, block(set, i) + 4);
  }

  public long doubleBits(int set, int i) {
    return BigEndian.getLong(b, block(set, i) + 4);
  }

  /** A STRING value without its terminating NUL. */
  public String stringValue(int set, int i) {
    int at = block(set, i) + 4;
    int n = blockLength(set, i);
    int end = at;
    while (end < at + n && b[end] != 0) {
      end++;
    }
    return new String(b, at, end - at, StandardCharsets.UTF_8);
  }

  /** Copies the payload bytes of a pointer value (strings, aggregates, events). */
  public byte[] bytesValue(int set, int i) {
    if (insitu(set)) {
      byte[] out = new byte[4];
      int w = word(set, i);
      for (int k = 0; k < 4; k++) {
        out[k] = (byte) (w >>> (24 - 8 * k));
      }
      return out;
    }
    int at = block(set, i) + 4;
    byte[] out = new byte[blockLength(set, i)];
    System.arraycopy(b, at, out, 0, out.length);
    return out;
  }

  /** Appends the payload bytes of a value in lowercase hex, straight from the buffer. */
  public StringBuilder appendHex(StringBuilder sb, int set, int i) {
    if (insitu(set)) {
      return sb.append(String.format("%08x", word(set, i)));
    }
    int at = block(set, i) + 4;
    for (int k = at, end = at + blockLength(set, i); k < end; k++) {
      sb.append(Character.forDigit((b[k] >> 4) & 0xf, 16))
          .append(Character.forDigit(b[k] & 0xf, 16));
    }
    return sb;
  }

  /** One event of an EVENT or HIGHRES_EVENT value. */
  public record Event(long timestampNanos, int flags, int parameterCount,
      List<EventParameter> parameters) {}

  /** An event parameter: its metric, its value type and its raw value bytes. */
  public record EventParameter(int pmid, int type, byte[] value) {}

  /**
   * Decodes the events packed in an EVENT (highRes false) or HIGHRES_EVENT value. Allocates: the
   * caller asked for structure, and event metrics are rare.
   */
  public List<Event> events(int set, int i, boolean highRes, String file, long fileOffset)
      throws ArchiveFormatException {
    int at = block(set, i);
    int end = at + 4 + blockLength(set, i);
    int pos = at + 4;
    int count = intWithin(pos, end, file, fileOffset);
    pos += 4;
    int recordBytes = highRes ? 24 : 16;
    if (count < 0 || (long) count * recordBytes > end - pos) {
      throw damage(file, fileOffset, pos - 4, "event count " + count + " does not fit its value");
    }
    List<Event> events = new ArrayList<>(count);
    for (int e = 0; e < count; e++) {
      long ts;
      if (highRes) {
        longWithin(pos + 8, end, file, fileOffset);
        ts = BigEndian.getLong(b, pos) * 1_000_000_000L + BigEndian.getLong(b, pos + 8);
        pos += 16;
      } else {
        intWithin(pos + 4, end, file, fileOffset);
        ts = BigEndian.getInt(b, pos) * 1_000_000_000L + BigEndian.getInt(b, pos + 4) * 1000L;
        pos += 8;
      }
      int flags = intWithin(pos, end, file, fileOffset);
      int nparams = intWithin(pos + 4, end, file, fileOffset);
      pos += 8;
      List<EventParameter> params = new ArrayList<>();
      if ((flags & EVENT_FLAG_MISSED) == 0) {
        if (nparams < 0 || (long) nparams * 8 > end - pos) {
          throw damage(file, fileOffset, pos - 4, "event parameter count " + nparams
              + " does not fit its value");
        }
        for (int p = 0; p < nparams; p++) {
          int pmid = intWithin(pos, end, file, fileOffset);
          // ep_len counts the type/len word and the value, not the pmID word before them.
          int typeLen = intWithin(pos + 4, end, file, fileOffset);
          int len = typeLen & 0xffffff;
          int padded = (len + 3) & ~3;
          if (len < 4 || 4L + padded > end - pos) {
            throw damage(file, fileOffset, pos + 4, "event parameter length " + len
                + " does not fit its value");
          }
          byte[] value = new byte[len - 4];
          System.arraycopy(b, pos + 8, value, 0, value.length);
          params.add(new EventParameter(pmid, typeLen >>> 24, value));
          pos += 4 + padded;
        }
      }
      events.add(new Event(ts, flags, nparams, List.copyOf(params)));
    }
    return events;
  }

  private int intWithin(int pos, int end, String file, long fileOffset)
      throws ArchiveFormatException {
    if (pos + 4 > end) {
      throw damage(file, fileOffset, pos, "event data runs past its value");
    }
    return BigEndian.getInt(b, pos);
  }

  private void longWithin(int pos, int end, String file, long fileOffset)
      throws ArchiveFormatException {
    if (pos + 8 > end) {
      throw damage(file, fileOffset, pos, "event data runs past its value");
    }
  }
}
