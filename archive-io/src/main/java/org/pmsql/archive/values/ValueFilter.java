package org.pmsql.archive.values;

import org.pmsql.archive.format.MetricDesc;

/** Which values a {@link ValueCursor} gives: of which metrics, under which names, which instances. */
public interface ValueFilter {
  /** The name a wanted metric's values carry, or null when it is not wanted. */
  String reportedName(MetricDesc desc);

  /** Whether {@link #wantsInstance} must be asked of each value. */
  default boolean restrictsInstances() {
    return false;
  }

  /** Whether the cursor's current value is of a wanted instance. */
  default boolean wantsInstance(ValueCursor at) {
    return true;
  }
}
