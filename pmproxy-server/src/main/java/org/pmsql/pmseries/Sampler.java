package org.pmsql.pmseries;

/**
 * Which times of a series a window with an interval keeps, as pmproxy keeps them: the goals are
 * start (or the first time), start + interval, ...; the last time at or before each goal is
 * kept, and the series' last time always. A gap of more than two intervals restarts the goals
 * from the time after it. Times come oldest first; each is decided when the next is known.
 */
public final class Sampler {
  private final TimeWindow window;
  private final long firstGoalOffset;
  private boolean started;
  private long goal;

  /**
   * {@code valuesRequest}: /series/values' goals are a nanosecond past start (so a value at
   * start itself counts for the first goal), /series/query's are not.
   */
  public Sampler(TimeWindow window, boolean valuesRequest) {
    this.window = window;
    this.firstGoalOffset = valuesRequest ? 1 : 0;
  }

  /** Whether the time {@code now} is kept, {@code next} being the series' next time. */
  public boolean keeps(long now, long next) {
    long interval = window.intervalNanos();
    if (interval <= 0) {
      return true;
    }
    if (!started) {
      started = true;
      goal = (window.startNanos() != TimeWindow.UNBOUNDED_START ? window.startNanos() : now)
          + firstGoalOffset;
    }
    if (next - goal <= 0) {
      return false;
    }
    // pmproxy measures the gap against whole seconds of interval
    if (next - goal > 2 * (interval / 1_000_000_000L) * 1_000_000_000L) {
      goal = next;
    }
    goal += interval;
    return true;
  }
}
