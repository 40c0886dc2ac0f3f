package org.pmsql.archive.interpolate;

import java.util.Arrays;
import org.pmsql.archive.format.IntObjectMap;

/** Every instance's observations of one metric, in time order, as primitive arrays. */
final class Observations {
  private final IntObjectMap<Series> byInstance = new IntObjectMap<>();
  private int[] instances = new int[8];
  private Series[] series = new Series[8];
  private int count;

  void add(int inst, long nanos, double value) {
    Series s = byInstance.get(inst);
    if (s == null) {
      if (count == instances.length) {
        instances = Arrays.copyOf(instances, count * 2);
        series = Arrays.copyOf(series, count * 2);
      }
      s = new Series();
      instances[count] = inst;
      series[count++] = s;
      byInstance.put(inst, s);
    }
    s.add(nanos, value);
  }

  int[] instances() {
    return Arrays.copyOf(instances, count);
  }

  /** The series of the k-th instance first seen. */
  Series of(int k) {
    return series[k];
  }

  /** One instance's (time, value) pairs, in the order the archive holds them. */
  static final class Series {
    private long[] times = new long[16];
    private double[] values = new double[16];
    private int size;

    void add(long nanos, double value) {
      if (size == times.length) {
        times = Arrays.copyOf(times, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      times[size] = nanos;
      values[size++] = value;
    }

    int size() {
      return size;
    }

    long time(int i) {
      return times[i];
    }

    double value(int i) {
      return values[i];
    }

    /** The index of the first observation at or after {@code nanos}, or size. */
    int firstAtOrAfter(long nanos) {
      int lo = 0;
      int hi = size;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (times[mid] < nanos) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return lo;
    }
  }
}
