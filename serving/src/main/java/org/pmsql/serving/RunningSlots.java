package org.pmsql.serving;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How many calls each user computes at once: at most so many run, so many more wait their turn
 * in order, and the rest are refused at once. Every user has slots of their own, so one user's
 * storm of queries takes at most their share of the cores and leaves the others' turns alone
 * (twenty concurrent cross joins from one user took another's simple query from 0.06 s to
 * 1.7 s).
 */
public final class RunningSlots {
  /** A slot held until closed. */
  public interface Slot extends AutoCloseable {
    @Override
    void close();
  }

  private final int maxRunning;
  private final int maxQueued;
  private final Map<String, UserTurns> users = new ConcurrentHashMap<>();

  RunningSlots(int maxRunning, int maxQueued) {
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  /**
   * A slot of the user's, waiting up to {@code waitSeconds} for one (0: as long as it takes);
   * refused at once when as many of the user's calls wait already. A call that continues a
   * query whose results are open (a fetch of its next rows) goes before calls that start new
   * ones: a query under way ends, and gives back the buffers its scan holds, before more
   * begin; otherwise a client reading frame by frame queues behind every new query once per
   * frame.
   */
  Slot take(String user, String who, int waitSeconds, boolean continuing) throws SQLException {
    UserTurns turns = users.computeIfAbsent(user, u -> new UserTurns(maxRunning));
    try {
      if (!turns.take(continuing, maxQueued, waitSeconds)) {
        throw new SQLException("query not started: " + who + " had " + maxRunning
            + " queries running for all of the " + waitSeconds + " s statement timeout",
            "57014");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("query not started: the server is stopping", "57P01");
    } catch (QueueFull e) {
      throw new SQLException("too many queries at once: " + who + " has " + maxRunning
          + " running and " + maxQueued + " waiting (the limits); wait for them to end",
          "53000");
    }
    return turns::release;
  }

  /** One user's turns: those continuing a query are handed the next free one first. */
  private static final class UserTurns {
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition forContinuing = lock.newCondition();
    private final Condition forNew = lock.newCondition();
    private int free;
    private int running;
    private int waitingContinuing;
    private int waiting;

    UserTurns(int slots) {
      this.free = slots;
    }

    boolean take(boolean continuing, int maxQueued, int waitSeconds)
        throws InterruptedException, QueueFull {
      lock.lock();
      try {
        if (!mayTake(continuing)) {
          if (waiting >= maxQueued) {
            throw new QueueFull();
          }
          if (!await(continuing, waitSeconds)) {
            passOn();
            return false;
          }
        }
        free--;
        running++;
        passOn();
        return true;
      } finally {
        lock.unlock();
      }
    }

    private boolean mayTake(boolean continuing) {
      return free > 0 && (continuing || waitingContinuing == 0);
    }

    /** Waits, counted among the waiting, until this call may take a turn or time is up. */
    private boolean await(boolean continuing, int waitSeconds) throws InterruptedException {
      waiting++;
      waitingContinuing += continuing ? 1 : 0;
      try {
        Condition turn = continuing ? forContinuing : forNew;
        long left = TimeUnit.SECONDS.toNanos(waitSeconds);
        while (!mayTake(continuing)) {
          if (waitSeconds <= 0) {
            turn.await();
          } else if (left <= 0) {
            return false;
          } else {
            left = turn.awaitNanos(left);
          }
        }
        return true;
      } finally {
        waiting--;
        waitingContinuing -= continuing ? 1 : 0;
      }
    }

    /** A turn is free: the next waiter, continuing ones first, may take it. */
    private void passOn() {
      if (free > 0) {
        (waitingContinuing > 0 ? forContinuing : forNew).signal();
      }
    }

    void release() {
      lock.lock();
      try {
        free++;
        running--;
        passOn();
      } finally {
        lock.unlock();
      }
    }

    int running() {
      lock.lock();
      try {
        return running;
      } finally {
        lock.unlock();
      }
    }

    int waiting() {
      lock.lock();
      try {
        return waiting;
      } finally {
        lock.unlock();
      }
    }
  }

  private static final class QueueFull extends Exception {
    QueueFull() {
      super(null, null, false, false);
    }
  }

  /** Calls running now, of all users. */
  int running() {
    return users.values().stream().mapToInt(UserTurns::running).sum();
  }

  /** Calls waiting for a slot now, of all users. */
  int waiting() {
    return users.values().stream().mapToInt(UserTurns::waiting).sum();
  }
}
