package org.pmsql.pmproxy;

import java.util.Arrays;

/**
 * A series' values as pmproxy writes them, oldest first, in three parallel arrays (times,
 * instance ids, value texts) rather than an object per value. It grows while a scan fills it,
 * and is kept in {@link ValueCache}, covering the window it was read for.
 */
final class ValueColumn {
  private long[] nanos = new long[64];
  private String[] instances = new String[64];
  private String[] values = new String[64];
  private int size;
  /** The window the rows were read for, and the host's last time then. */
  private long coveredFrom;
  private long coveredTo;
  private long hostLastAtRead;

  void add(long time, String instance, String value) {
    if (size == nanos.length) {
      int grown = size * 2;
      nanos = Arrays.copyOf(nanos, grown);
      instances = Arrays.copyOf(instances, grown);
      values = Arrays.copyOf(values, grown);
    }
    nanos[size] = time;
    instances[size] = instance;
    values[size++] = value;
  }

  void covers(long from, long to, long hostLast) {
    this.coveredFrom = from;
    this.coveredTo = to;
    this.hostLastAtRead = hostLast;
  }

  /**
   * Whether the rows hold all of [from, to]: within the window read, or past its end when the
   * window reached the host's last time and the host has logged nothing since.
   */
  boolean holds(long from, long to, long hostLastNow) {
    return from >= coveredFrom
        && (to <= coveredTo || (coveredTo >= hostLastAtRead && hostLastNow == hostLastAtRead));
  }

  int size() {
    return size;
  }

  long nanos(int i) {
    return nanos[i];
  }

  String instance(int i) {
    return instances[i];
  }

  String value(int i) {
    return values[i];
  }

  /** The first row at or after {@code time}. */
  int firstAtOrAfter(long time) {
    int low = 0;
    int high = size;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (nanos[mid] < time) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}
