package org.pmsql.archive.source;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import org.tukaani.xz.ArrayCache;

/**
 * The process-wide cache of xz decoders' buffers (an 8 MiB dictionary each for xz's default
 * preset), held strongly and bounded in bytes. xz's own BasicArrayCache keeps up to 512 arrays
 * of each size behind soft references; those survive every collection short of an imminent
 * OutOfMemoryError, so a server that had run many scans of .xz volumes at once looked full of
 * live data to its memory guard long after the scans ended, and cancelled queries for it.
 */
final class DictionaryCache extends ArrayCache {
  static final DictionaryCache INSTANCE = new DictionaryCache(32L << 20);

  private final long maxBytes;
  /** byte[] and int[] arrays, the most recently returned first. */
  private final Deque<Object> held = new ArrayDeque<>();
  private long heldBytes;

  DictionaryCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  @Override
  public byte[] getByteArray(int size, boolean fillWithZeros) {
    byte[] array = (byte[]) take(byte[].class, size);
    if (array == null) {
      return new byte[size];
    }
    if (fillWithZeros) {
      Arrays.fill(array, (byte) 0);
    }
    return array;
  }

  @Override
  public int[] getIntArray(int size, boolean fillWithZeros) {
    int[] array = (int[]) take(int[].class, size);
    if (array == null) {
      return new int[size];
    }
    if (fillWithZeros) {
      Arrays.fill(array, 0);
    }
    return array;
  }

  @Override
  public void putArray(byte[] array) {
    keep(array);
  }

  @Override
  public void putArray(int[] array) {
    keep(array);
  }

  synchronized long heldBytes() {
    return heldBytes;
  }

  private synchronized Object take(Class<?> type, int length) {
    for (Iterator<Object> it = held.iterator(); it.hasNext(); ) {
      Object array = it.next();
      if (array.getClass() == type && java.lang.reflect.Array.getLength(array) == length) {
        it.remove();
        heldBytes -= bytes(array);
        return array;
      }
    }
    return null;
  }

  /** Keeps the array; when that passes the bound, the least recently returned ones go. */
  private synchronized void keep(Object array) {
    long cost = bytes(array);
    if (cost > maxBytes) {
      return;
    }
    held.addFirst(array);
    heldBytes += cost;
    while (heldBytes > maxBytes) {
      heldBytes -= bytes(held.removeLast());
    }
  }

  private static long bytes(Object array) {
    return array instanceof int[] ints ? 4L * ints.length : ((byte[]) array).length;
  }
}
