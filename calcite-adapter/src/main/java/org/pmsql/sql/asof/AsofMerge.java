package org.pmsql.sql.asof;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The ASOF join behind {@link PcpAsofJoin}, a merge of two inputs each in ascending order of
 * its match column. Looking back ({@code l.ts >= r.ts}, {@code >}), each left row pairs with
 * the latest right row of its key at or before it, and only each key's latest right row is
 * held; looking ahead ({@code l.ts <= r.ts}, {@code <}), each left row waits for the first
 * right row of its key at or after it. A left row with no match is dropped (ASOF JOIN) or
 * paired with nulls (LEFT ASOF JOIN); a null key or match value matches nothing.
 */
public final class AsofMerge {
  private final int[] leftKeys;
  private final int[] rightKeys;
  private final int leftTime;
  private final int rightTime;
  /** Whether the right row may lie before the left one (l >= r, l > r), else after. */
  private final boolean lookBack;
  /** Whether equal times match (>=, <=). */
  private final boolean inclusive;
  private final boolean keepUnmatched;
  private final int rightWidth;

  AsofMerge(List<Integer> leftKeys, List<Integer> rightKeys, int leftTime, int rightTime,
      boolean lookBack, boolean inclusive, boolean keepUnmatched, int rightWidth) {
    this.leftKeys = leftKeys.stream().mapToInt(Integer::intValue).toArray();
    this.rightKeys = rightKeys.stream().mapToInt(Integer::intValue).toArray();
    this.leftTime = leftTime;
    this.rightTime = rightTime;
    this.lookBack = lookBack;
    this.inclusive = inclusive;
    this.keepUnmatched = keepUnmatched;
    this.rightWidth = rightWidth;
  }

  /** Called by generated code, which holds this join stashed. */
  public Enumerable<Object[]> join(Enumerable<Object[]> left, Enumerable<Object[]> right) {
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new Merge(left.enumerator(), right.enumerator());
      }
    };
  }

  /** A row's key: null when any key column is null (such a row matches nothing). */
  private static Object key(Object[] row, int[] columns) {
    if (columns.length == 1) {
      return row[columns[0]];
    }
    Object[] key = new Object[columns.length];
    for (int i = 0; i < columns.length; i++) {
      if ((key[i] = row[columns[i]]) == null) {
        return null;
      }
    }
    return Arrays.asList(key);
  }

  /** Orders match values, numbers by value whatever their Java class. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static int compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && a.getClass() != b.getClass()) {
      if (isIntegral(x) && isIntegral(y)) {
        return Long.compare(x.longValue(), y.longValue());
      }
      return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
    }
    return ((Comparable) a).compareTo(b);
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
  }

  private final class Merge implements Enumerator<Object[]> {
    private final Enumerator<Object[]> left;
    private final Enumerator<Object[]> right;
    /** Looking back: each key's latest right row so far. */
    private final Map<Object, Object[]> latest = new HashMap<>();
    /** Looking ahead: each key's left rows waiting for a right row, in order. */
    private final Map<Object, ArrayDeque<Object[]>> waiting = new LinkedHashMap<>();
    private final ArrayDeque<Object[]> ready = new ArrayDeque<>();
    private Object[] nextRight;
    private boolean rightDone;
    private boolean leftDone;
    private Iterator<ArrayDeque<Object[]>> unmatched;
    private Object[] current;

    Merge(Enumerator<Object[]> left, Enumerator<Object[]> right) {
      this.left = left;
      this.right = right;
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      while (ready.isEmpty() && step()) {
        // each step reads a row and may make pairs ready
      }
      current = ready.poll();
      return current != null;
    }

    /** Reads one more row from either input; false when both are done and none waits. */
    private boolean step() {
      if (!leftDone && !left.moveNext()) {
        leftDone = true;
      }
      if (leftDone) {
        return lookBack ? false : drainWaiting();
      }
      Object[] row = left.current();
      Object time = row[leftTime];
      Object key = key(row, leftKeys);
      if (time == null || key == null) {
        unmatched(row);
      } else if (lookBack) {
        advanceRight(time);
        Object[] match = latest.get(key);
        if (match != null) {
          ready.add(pair(row, match));
        } else {
          unmatched(row);
        }
      } else {
        advanceRight(time);
        waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(row);
      }
      return true;
    }

    /**
     * Takes the right rows that come before a left row at {@code time}: looking back, those
     * it may match (at or before it); looking ahead, those it may not (before it), each
     * pairing with the left rows of its key waiting for it.
     */
    private void advanceRight(Object time) {
      while (peekRight()) {
        Object rightTimeValue = nextRight[rightTime];
        if (rightTimeValue != null) {
          int c = compare(rightTimeValue, time);
          boolean before = lookBack ? (inclusive ? c <= 0 : c < 0) : (inclusive ? c < 0 : c <= 0);
          if (!before) {
            return;
          }
          take(nextRight);
        }
        nextRight = null;
      }
    }

    private void take(Object[] row) {
      Object key = key(row, rightKeys);
      if (key == null) {
        return;
      }
      if (lookBack) {
        latest.put(key, row);
      } else {
        ArrayDeque<Object[]> rows = waiting.remove(key);
        if (rows != null) {
          rows.forEach(l -> ready.add(pair(l, row)));
        }
      }
    }

    private boolean peekRight() {
      if (nextRight == null && !rightDone) {
        if (right.moveNext()) {
          nextRight = right.current();
        } else {
          rightDone = true;
        }
      }
      return nextRight != null;
    }

    /** Looking ahead, once the left input ends: the rest of the right input, then the unpaired. */
    private boolean drainWaiting() {
      if (unmatched == null) {
        while (!waiting.isEmpty() && peekRight()) {
          if (nextRight[rightTime] != null) {
            take(nextRight);
          }
          nextRight = null;
        }
        unmatched = waiting.values().iterator();
      }
      if (!unmatched.hasNext()) {
        return false;
      }
      unmatched.next().forEach(this::unmatched);
      unmatched.remove();
      return true;
    }

    private void unmatched(Object[] row) {
      if (keepUnmatched) {
        ready.add(pair(row, null));
      }
    }

    private Object[] pair(Object[] l, Object[] r) {
      Object[] out = Arrays.copyOf(l, l.length + rightWidth);
      if (r != null) {
        System.arraycopy(r, 0, out, l.length, rightWidth);
      }
      return out;
    }

    @Override
    public void reset() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
      left.close();
      right.close();
    }
  }
}
