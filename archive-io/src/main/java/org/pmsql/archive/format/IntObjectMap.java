package org.pmsql.archive.format;

import java.util.Arrays;

/**
 * An open-addressing map from int keys (pmIDs, indoms) to objects, so per-record lookups on the
 * decode path neither box keys nor allocate.
 */
public final class IntObjectMap<V> {
  private int[] keys = new int[16];
  private Object[] values = new Object[16];
  private boolean[] used = new boolean[16];
  private int size;

  @SuppressWarnings("unchecked")
  public V get(int key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; used[i]; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return (V) values[i];
      }
    }
    return null;
  }

  public void put(int key, V value) {
    if ((size + 1) * 2 > keys.length) {
      grow();
    }
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (used[i] && keys[i] != key) {
      i = (i + 1) & mask;
    }
    if (!used[i]) {
      used[i] = true;
      keys[i] = key;
      size++;
    }
    values[i] = value;
  }

  @SuppressWarnings("unchecked")
  private void grow() {
    int[] oldKeys = keys;
    Object[] oldValues = values;
    boolean[] oldUsed = used;
    keys = new int[oldKeys.length * 2];
    values = new Object[oldKeys.length * 2];
    used = new boolean[oldKeys.length * 2];
    size = 0;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldUsed[i]) {
        put(oldKeys[i], (V) oldValues[i]);
      }
    }
    Arrays.fill(oldValues, null);
  }

  private static int mix(int key) {
    int h = key * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
