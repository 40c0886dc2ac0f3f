package org.pmsql.archive.format;

import java.io.IOException;
import java.util.Arrays;
import org.pmsql.archive.source.ByteSource;

/**
 * The .index file: (time, volume, meta offset, data offset) entries that pmlogger writes at each
 * volume start, each instance-domain change and about every 100 KB of data. Kept as parallel
 * primitive arrays; an index of a year of data is a few MB.
 */
public final class TemporalIndex {
  private final long[] times;
  private final int[] volumes;
  private final long[] dataOffsets;

  private TemporalIndex(long[] times, int[] volumes, long[] dataOffsets) {
    this.times = times;
    this.volumes = volumes;
    this.dataOffsets = dataOffsets;
  }

  /**
   * Reads the entries after the label. A partial last entry (a logger still writing, or a cut
   * file) is ignored, as libpcp ignores it.
   */
  public static TemporalIndex read(ByteSource index, Label label) throws IOException {
    int entrySize = label.version() == 2 ? 20 : 32;
    long available = Math.max(0, index.size() - label.length());
    long count = available / entrySize;
    if (count > Integer.MAX_VALUE / entrySize) {
      count = Integer.MAX_VALUE / entrySize;
    }
    int n = (int) count;
    long[] times = new long[n];
    int[] volumes = new int[n];
    long[] offsets = new long[n];
    byte[] chunk = new byte[entrySize * 4096];
    long pos = label.length();
    int done = 0;
    while (done < n) {
      int batch = Math.min(4096, n - done);
      int got = index.read(pos, chunk, 0, batch * entrySize);
      batch = got / entrySize;
      if (batch == 0) {
        break;
      }
      for (int k = 0; k < batch; k++) {
        int at = k * entrySize;
        int e = done + k;
        if (entrySize == 20) {
          times[e] = BigEndian.getInt(chunk, at) * 1_000_000_000L
              + BigEndian.getInt(chunk, at + 4) * 1000L;
          volumes[e] = BigEndian.getInt(chunk, at + 8);
          offsets[e] = BigEndian.getInt(chunk, at + 16) & 0xffffffffL;
        } else {
          times[e] = BigEndian.getSwappedSeconds(chunk, at) * 1_000_000_000L
              + BigEndian.getInt(chunk, at + 8);
          volumes[e] = BigEndian.getInt(chunk, at + 12);
          offsets[e] = BigEndian.getLong(chunk, at + 24);
        }
      }
      done += batch;
      pos += (long) batch * entrySize;
    }
    if (done < n) {
      return new TemporalIndex(
          Arrays.copyOf(times, done), Arrays.copyOf(volumes, done),
          Arrays.copyOf(offsets, done));
    }
    return new TemporalIndex(times, volumes, offsets);
  }

  public int size() {
    return times.length;
  }

  public long time(int entry) {
    return times[entry];
  }

  public int volume(int entry) {
    return volumes[entry];
  }

  public long dataOffset(int entry) {
    return dataOffsets[entry];
  }

  /**
   * The last entry strictly before {@code nanos}, or -1. Strictly: writers before PCP 4 pointed
   * entries at a record's end, so an entry at exactly the wanted time may skip that record.
   */
  public int lastBefore(long nanos) {
    int lo = 0;
    int hi = times.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (times[mid] < nanos) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
}
