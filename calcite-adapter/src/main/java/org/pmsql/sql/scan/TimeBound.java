package org.pmsql.sql.scan;

import java.util.Date;
import org.apache.calcite.DataContext;

/**
 * A time bound the planner could not fold to a constant but the scan can evaluate when it runs:
 * a literal, a dynamic parameter, or CURRENT_TIMESTAMP, each plus an interval. EXPLAIN shows
 * it as kind, value and offset: "L1700000000000@0", "P0@-60000", "C0@-600000".
 */
record TimeBound(char kind, long value, long offsetMillis) {
  static TimeBound literal(long millis) {
    return new TimeBound('L', millis, 0);
  }

  static TimeBound parameter(int index) {
    return new TimeBound('P', index, 0);
  }

  static TimeBound currentTimestamp() {
    return new TimeBound('C', 0, 0);
  }

  TimeBound plus(long millis) {
    return new TimeBound(kind, value, offsetMillis + millis);
  }

  /** Milliseconds since the epoch (UTC), or null when a parameter is unset or null. */
  Long evaluate(DataContext root) {
    long base;
    switch (kind) {
      case 'L':
        base = value;
        break;
      case 'P': {
        Object v = root.get("?" + value);
        if (!(v instanceof Number n)) {
          return v instanceof Date d ? d.getTime() + offsetMillis : null;
        }
        base = n.longValue();
        break;
      }
      default: {
        Long now = DataContext.Variable.CURRENT_TIMESTAMP.get(root);
        if (now == null) {
          return null;
        }
        base = now;
      }
    }
    return base + offsetMillis;
  }

  @Override
  public String toString() {
    return kind + Long.toString(value) + "@" + offsetMillis;
  }
}
