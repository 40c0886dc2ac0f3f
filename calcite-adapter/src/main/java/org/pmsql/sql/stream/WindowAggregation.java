package org.pmsql.sql.stream;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;

/**
 * The order-preserving aggregate behind {@link PcpStreamAggregate}: its input arrives ordered
 * by one group key (the window, e.g. FLOOR(ts TO MINUTE) or TUMBLE's start), so a group is
 * complete as soon as a row of a later window arrives; with HOP a row falls in several
 * overlapping windows, each complete once a row lies past its end. Only open windows' groups
 * are held, and each closed window's rows are emitted at once, in the order their groups first
 * appeared: a live stream gets one row per window and group, once, shortly after it ends.
 */
public final class WindowAggregation {
  /** The aggregate functions this operator computes; USER: one of pmsql's own. */
  enum Function { COUNT, SUM, SUM0, MIN, MAX, AVG, USER }

  /**
   * One aggregate call: its function, argument column (-1 for COUNT(*) and USER), result kind,
   * and for USER the function itself.
   */
  record Call(Function function, int argument, boolean decimal, boolean integer,
      UserAggregate user) {}

  private final int windowKey;
  private final int[] groupKeys;
  private final List<Call> calls;
  /** For HOP: the window key holds the row's slot start; each row is in size/slide windows. */
  private final long hopSlideMillis;
  private final long hopSizeMillis;

  WindowAggregation(int windowKey, int[] groupKeys, List<Call> calls, long hopSlideMillis,
      long hopSizeMillis) {
    this.windowKey = windowKey;
    this.groupKeys = groupKeys;
    this.calls = calls;
    this.hopSlideMillis = hopSlideMillis;
    this.hopSizeMillis = hopSizeMillis;
  }

  /** Called by generated code, which holds this aggregation stashed: aggregates {@code input}. */
  public Enumerable<Object[]> over(Enumerable<Object[]> input) {
    return new AbstractEnumerable<>() {
      @Override
      public Enumerator<Object[]> enumerator() {
        return new Windows(input.enumerator());
      }
    };
  }

  /**
   * Walks the input holding the open windows' groups, ordered by window; emits a window's rows
   * once a row shows it has closed.
   */
  private final class Windows implements Enumerator<Object[]> {
    private final Enumerator<Object[]> input;
    private final TreeMap<Object, Map<List<Object>, Object[]>> open = new TreeMap<>();
    private final ArrayDeque<Object[]> closed = new ArrayDeque<>();
    private Object lastWindow;
    private Object[] current;
    private boolean inputDone;

    Windows(Enumerator<Object[]> input) {
      this.input = input;
    }

    @Override
    public Object[] current() {
      return current;
    }

    @Override
    public boolean moveNext() {
      while (closed.isEmpty()) {
        if (inputDone) {
          return false;
        }
        if (!input.moveNext()) {
          inputDone = true;
          closeWindows(null);
          continue;
        }
        Object[] row = input.current();
        Object window = row[windowKey];
        if (lastWindow != null && compare(window, lastWindow) < 0) {
          throw new IllegalStateException("GROUP BY over a live stream needs a window key that"
              + " never goes back, such as FLOOR(ts TO MINUTE); " + window + " came after "
              + lastWindow);
        }
        lastWindow = window;
        closeWindows(window);
        add(row, window);
      }
      current = closed.poll();
      return true;
    }

    /**
     * Moves every window that a row in window (or hop slot) {@code now} shows complete to the
     * output, earliest first; all of them at the end of the input ({@code now} null).
     */
    private void closeWindows(Object now) {
      while (!open.isEmpty()) {
        Object start = open.firstKey();
        boolean complete = now == null || (hopSizeMillis == 0 ? compare(start, now) < 0
            : (Long) start + hopSizeMillis <= (Long) now);
        if (!complete) {
          return;
        }
        open.pollFirstEntry().getValue()
            .forEach((key, state) -> closed.add(result(key, state)));
      }
    }

    /** Adds a row to its window, or with HOP to every window its slot lies in. */
    private void add(Object[] row, Object window) {
      if (hopSizeMillis == 0) {
        addTo(window, row);
        return;
      }
      long slot = (Long) window;
      for (long start = slot; start > slot - hopSizeMillis; start -= hopSlideMillis) {
        addTo(start, row);
      }
    }

    private void addTo(Object window, Object[] row) {
      Object[] key = new Object[groupKeys.length];
      for (int i = 0; i < key.length; i++) {
        key[i] = groupKeys[i] == windowKey ? window : row[groupKeys[i]];
      }
      Object[] state = open.computeIfAbsent(window, w -> new LinkedHashMap<>())
          .computeIfAbsent(Arrays.asList(key), k -> new Object[calls.size() * 2]);
      for (int i = 0; i < calls.size(); i++) {
        accumulate(calls.get(i), state, i * 2, row);
      }
    }

    @Override
    public void reset() {
      input.reset();
      open.clear();
      closed.clear();
      lastWindow = null;
      inputDone = false;
    }

    @Override
    public void close() {
      input.close();
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    return a == null ? -1 : b == null ? 1 : ((Comparable) a).compareTo(b);
  }

  /** Each call keeps two slots: a running value (USER: its accumulator) and a count. */
  private static void accumulate(Call call, Object[] state, int slot, Object[] row) {
    if (call.function == Function.USER) {
      state[slot] = call.user.add(state[slot] == null ? call.user.init() : state[slot], row);
      return;
    }
    Object value = call.argument < 0 ? Boolean.TRUE : row[call.argument];
    if (value == null) {
      return;
    }
    state[slot + 1] = state[slot + 1] == null ? 1L : (Long) state[slot + 1] + 1;
    switch (call.function) {
      case COUNT -> { }
      case SUM, SUM0, AVG -> state[slot] = add(state[slot], (Number) value, call);
      case MIN, MAX -> {
        int order = state[slot] == null ? 0 : compare(value, state[slot]);
        if (state[slot] == null || (call.function == Function.MIN ? order < 0 : order > 0)) {
          state[slot] = value;
        }
      }
      default -> throw new IllegalStateException(call.function.name());
    }
  }

  private static Object add(Object sum, Number value, Call call) {
    if (call.function == Function.AVG) {
      return (sum == null ? 0.0 : (Double) sum) + value.doubleValue();
    }
    if (call.decimal) {
      BigDecimal v = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
      return sum == null ? v : ((BigDecimal) sum).add(v);
    }
    if (call.integer) {
      return (sum == null ? 0L : (Long) sum) + value.longValue();
    }
    return (sum == null ? 0.0 : (Double) sum) + value.doubleValue();
  }

  private Object[] result(List<Object> key, Object[] state) {
    Object[] out = new Object[key.size() + calls.size()];
    for (int i = 0; i < key.size(); i++) {
      out[i] = key.get(i);
    }
    for (int i = 0; i < calls.size(); i++) {
      Call call = calls.get(i);
      Object value = state[i * 2];
      Long count = (Long) state[i * 2 + 1];
      out[key.size() + i] = switch (call.function) {
        case COUNT -> count == null ? 0L : count;
        case SUM0 -> value != null ? value
            : call.decimal ? BigDecimal.ZERO : call.integer ? (Object) 0L : (Object) 0.0;
        case AVG -> value == null ? null : (Double) value / count;
        case USER -> call.user.result(value == null ? call.user.init() : value);
        default -> value;
      };
    }
    return out;
  }
}
