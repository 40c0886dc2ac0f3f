package org.pmsql.serving;

import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

  private record UserSlots(Semaphore running, AtomicInteger waiting) {}

  private final int maxRunning;
  private final int maxQueued;
  private final Map<String, UserSlots> users = new ConcurrentHashMap<>();

  RunningSlots(int maxRunning, int maxQueued) {
    this.maxRunning = maxRunning;
    this.maxQueued = maxQueued;
  }

  /**
   * A slot of the user's, waiting up to {@code waitSeconds} for one (0: as long as it takes);
   * refused at once when as many of the user's calls wait already.
   */
  Slot take(String user, String who, int waitSeconds) throws SQLException {
    UserSlots slots = users.computeIfAbsent(user,
        u -> new UserSlots(new Semaphore(maxRunning, true), new AtomicInteger()));
    if (!slots.running().tryAcquire()) {
      if (slots.waiting().incrementAndGet() > maxQueued) {
        slots.waiting().decrementAndGet();
        throw new SQLException("too many queries at once: " + who + " has " + maxRunning
            + " running and " + maxQueued + " waiting (the limits); wait for them to end",
            "53000");
      }
      try {
        boolean got = waitSeconds > 0
            ? slots.running().tryAcquire(waitSeconds, TimeUnit.SECONDS)
            : acquire(slots.running());
        if (!got) {
          throw new SQLException("query not started: " + who + " had " + maxRunning
              + " queries running for all of the " + waitSeconds + " s statement timeout",
              "57014");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("query not started: the server is stopping", "57P01");
      } finally {
        slots.waiting().decrementAndGet();
      }
    }
    return slots.running()::release;
  }

  private static boolean acquire(Semaphore semaphore) throws InterruptedException {
    semaphore.acquire();
    return true;
  }

  /** Calls running now, of all users. */
  int running() {
    return users.values().stream()
        .mapToInt(s -> maxRunning - s.running().availablePermits()).sum();
  }

  /** Calls waiting for a slot now, of all users. */
  int waiting() {
    return users.values().stream().mapToInt(s -> s.waiting().get()).sum();
  }
}
