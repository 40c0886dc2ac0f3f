package org.pmsql.sql;

import java.sql.SQLTimeoutException;
import org.apache.calcite.plan.RelOptListener;

/**
 * How long planning may take on the thread that opened it, until closed: a server bounds a
 * client's statement with it, since Calcite's planner is not interrupted by a statement's
 * timeout or cancel (a five-way join with cyclic conditions planned for over five minutes). The
 * planner checks it at every rule it tries; a thread without one plans as long as it takes.
 */
public final class PlanningDeadline implements AutoCloseable {
  private static final ThreadLocal<PlanningDeadline> ON_THREAD = new ThreadLocal<>();

  private final long deadlineNanos;
  private final int seconds;
  private final PlanningDeadline outer;

  private PlanningDeadline(int seconds, PlanningDeadline outer) {
    this.deadlineNanos = System.nanoTime() + seconds * 1_000_000_000L;
    this.seconds = seconds;
    this.outer = outer;
  }

  /** Planning on this thread ends within {@code seconds} (0: no bound) until closed. */
  public static PlanningDeadline start(int seconds) {
    PlanningDeadline outer = ON_THREAD.get();
    PlanningDeadline deadline = new PlanningDeadline(seconds, outer);
    if (seconds > 0) {
      ON_THREAD.set(deadline);
    }
    return deadline;
  }

  @Override
  public void close() {
    if (seconds <= 0) {
      return;
    }
    if (outer == null) {
      ON_THREAD.remove();
    } else {
      ON_THREAD.set(outer);
    }
  }

  /** A listener that ends planning past this thread's deadline, or null when it has none. */
  static RelOptListener listenerForThisThread() {
    PlanningDeadline deadline = ON_THREAD.get();
    return deadline == null ? null : new Check(deadline);
  }

  /** Planning past its deadline; a statement timeout, as JDBC names it. */
  public static final class Exceeded extends RuntimeException {
    Exceeded(int seconds) {
      super(new SQLTimeoutException("planning did not end within the " + seconds + " s"
          + " statement timeout; simplify the query (fewer joined tables, or conditions that"
          + " do not tie every table to every other)", "57014"));
    }

    @Override
    public String getMessage() {
      return getCause().getMessage();
    }
  }

  private record Check(PlanningDeadline deadline) implements RelOptListener {
    @Override
    public void ruleAttempted(RuleAttemptedEvent event) {
      if (event.isBefore() && System.nanoTime() - deadline.deadlineNanos > 0) {
        throw new Exceeded(deadline.seconds);
      }
    }

    @Override
    public void relEquivalenceFound(RelEquivalenceEvent event) {}

    @Override
    public void ruleProductionSucceeded(RuleProductionEvent event) {}

    @Override
    public void relDiscarded(RelDiscardedEvent event) {}

    @Override
    public void relChosen(RelChosenEvent event) {}
  }
}
