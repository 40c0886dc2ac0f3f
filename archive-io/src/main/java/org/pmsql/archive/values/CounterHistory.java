package org.pmsql.archive.values;

import java.util.Arrays;

/**
 * Each counter instance's previous value and time, in flat arrays keyed by (pmID, instance) so
 * that computing a rate neither boxes a key nor allocates per value.
 */
final class CounterHistory {
  private long[] keys = new long[64];
  private double[] values = new double[64];
  private long[] nanos = new long[64];
  private boolean[] used = new boolean[64];
  private int size;

  /**
   * Records {@code value} at {@code ts} and returns the change per second since the previous
   * value of the same counter instance: NaN on its first value, when it went down, or when time
   * did not advance (what pmrep -u prints as no value).
   */
  double rate(int pmid, int inst, double value, long ts) {
    long key = ((long) pmid << 32) | (inst & 0xffffffffL);
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (used[i] && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (!used[i]) {
      insert(i, key, value, ts);
      return Double.NaN;
    }
    double dv = value - values[i];
    double dt = (ts - nanos[i]) / 1e9;
    values[i] = value;
    nanos[i] = ts;
    return dv < 0 || dt <= 0 ? Double.NaN : dv / dt;
  }

  void clear() {
    Arrays.fill(used, false);
    size = 0;
  }

  private void insert(int slot, long key, double value, long ts) {
    used[slot] = true;
    keys[slot] = key;
    values[slot] = value;
    nanos[slot] = ts;
    if (++size * 2 > keys.length) {
      grow();
    }
  }

  private void grow() {
    long[] oldKeys = keys;
    double[] oldValues = values;
    long[] oldNanos = nanos;
    boolean[] oldUsed = used;
    keys = new long[oldKeys.length * 2];
    values = new double[oldKeys.length * 2];
    nanos = new long[oldKeys.length * 2];
    used = new boolean[oldKeys.length * 2];
    int mask = keys.length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldUsed[j]) {
        int i = mix(oldKeys[j]) & mask;
        while (used[i]) {
          i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = oldKeys[j];
        values[i] = oldValues[j];
        nanos[i] = oldNanos[j];
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
