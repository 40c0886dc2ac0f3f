package org.pmsql.archive.format;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One instance domain's history: a full snapshot for every change recorded in .meta, delta
 * records already applied, so the instances at any time are one binary search away.
 */
public final class InstanceDomain {
  private final int indom;
  private final List<Snapshot> snapshots = new ArrayList<>();

  /**
   * The instances in force from {@code stampNanos} on, sorted by id.
   */
  public record Snapshot(long stampNanos, int[] ids, String[] names) {
    /**
     * The name of an instance, or null when it is not in this snapshot. Some writers list an
     * id twice; like libpcp, the first listed wins (the sort that put them here is stable).
     */
    public String nameOf(int id) {
      int i = Arrays.binarySearch(ids, id);
      if (i < 0) {
        return null;
      }
      while (i > 0 && ids[i - 1] == id) {
        i--;
      }
      return names[i];
    }
  }

  public InstanceDomain(int indom) {
    this.indom = indom;
  }

  public int indom() {
    return indom;
  }

  public List<Snapshot> snapshots() {
    return snapshots;
  }

  /** Adds a full record. pmlogger writes instances sorted, but other writers need not. */
  void addFull(long stampNanos, int[] ids, String[] names) {
    sortTogether(ids, names);
    add(new Snapshot(stampNanos, ids, names));
  }

  /**
   * Applies a v3 delta record to the latest snapshot: names of null mean "deleted", as a
   * string index of -1 does on disk; unmentioned instances carry over.
   */
  void addDelta(long stampNanos, int[] ids, String[] names) {
    Snapshot base = snapshots.get(snapshots.size() - 1);
    List<Integer> keptIds = new ArrayList<>();
    List<String> keptNames = new ArrayList<>();
    for (int i = 0; i < base.ids.length; i++) {
      if (indexOf(ids, base.ids[i]) < 0) {
        keptIds.add(base.ids[i]);
        keptNames.add(base.names[i]);
      }
    }
    for (int i = 0; i < ids.length; i++) {
      if (names[i] != null) {
        keptIds.add(ids[i]);
        keptNames.add(names[i]);
      }
    }
    int[] mergedIds = keptIds.stream().mapToInt(Integer::intValue).toArray();
    addFull(stampNanos, mergedIds, keptNames.toArray(new String[0]));
  }

  boolean hasFullRecord() {
    return !snapshots.isEmpty();
  }

  private void add(Snapshot snapshot) {
    // Records normally arrive in time order; an out-of-order one is placed where it belongs.
    int at = snapshots.size();
    while (at > 0 && snapshots.get(at - 1).stampNanos > snapshot.stampNanos) {
      at--;
    }
    snapshots.add(at, at == 0 ? snapshot : sharing(snapshots.get(at - 1), snapshot));
  }

  /**
   * The snapshot, holding the previous one's arrays when nothing changed and its name strings
   * where an instance kept its name. A process domain is written again every time a process
   * starts or ends, each time with every name: an archive of a busy host holds millions of
   * copies of the same few hundred names otherwise.
   */
  private static Snapshot sharing(Snapshot previous, Snapshot next) {
    int[] ids = next.ids;
    String[] names = next.names;
    boolean same = Arrays.equals(previous.ids, ids);
    for (int i = 0, j = 0; i < ids.length && j < previous.ids.length; ) {
      if (ids[i] < previous.ids[j]) {
        i++;
      } else if (ids[i] > previous.ids[j]) {
        j++;
      } else {
        if (previous.names[j].equals(names[i])) {
          names[i] = previous.names[j];
        } else {
          same = false;
        }
        i++;
        j++;
      }
    }
    return same ? new Snapshot(next.stampNanos, previous.ids, previous.names) : next;
  }

  /** The snapshot in force at a time: the latest with a stamp at or before it, else null. */
  public Snapshot at(long nanos) {
    int lo = 0;
    int hi = snapshots.size() - 1;
    Snapshot found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Snapshot s = snapshots.get(mid);
      if (s.stampNanos <= nanos) {
        found = s;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** The name of an instance at a time, or null when the domain does not hold it then. */
  public String nameAt(int id, long nanos) {
    Snapshot s = at(nanos);
    return s == null ? null : s.nameOf(id);
  }

  private static int indexOf(int[] ids, int id) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == id) {
        return i;
      }
    }
    return -1;
  }

  private static void sortTogether(int[] ids, String[] names) {
    for (int i = 1; i < ids.length; i++) {
      if (ids[i - 1] > ids[i]) {
        Integer[] order = new Integer[ids.length];
        for (int k = 0; k < order.length; k++) {
          order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(ids[a], ids[b]));
        int[] sortedIds = new int[ids.length];
        String[] sortedNames = new String[ids.length];
        for (int k = 0; k < order.length; k++) {
          sortedIds[k] = ids[order[k]];
          sortedNames[k] = names[order[k]];
        }
        System.arraycopy(sortedIds, 0, ids, 0, ids.length);
        System.arraycopy(sortedNames, 0, names, 0, ids.length);
        return;
      }
    }
  }
}
