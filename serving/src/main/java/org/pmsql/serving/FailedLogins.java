package org.pmsql.serving;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Failed authentications, per client address and per user name, as fail2ban counts them: after
 * {@code max} failures within the window, that address and that name are refused without a
 * check until the window has passed since their latest failures. Guessing a password then
 * costs a minute per handful of tries instead of a millisecond a try, whichever the attacker
 * varies; a user whose name is being guessed waits too, which the operator sees in the log.
 */
public final class FailedLogins {
  /** Failures of one address or name that start a refusal. */
  public static final int MAX = 10;
  public static final long WINDOW_MILLIS = 60_000;
  /** Keys kept at most; past it the oldest are forgotten (a flood of names must not fill it). */
  private static final int MAX_KEYS = 100_000;

  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  /** Whether this address or this name (null when none was given) is refused now. */
  public boolean refused(String address, String user) {
    long now = now();
    return over(key("address", address), now) || user != null && over(key("user", user), now);
  }

  /** Counts a failed authentication of this address and name. */
  public void failed(String address, String user) {
    if (failures.size() > MAX_KEYS) {
      long now = now();
      failures.entrySet().removeIf(e -> newest(e.getValue()) < now - WINDOW_MILLIS);
    }
    add(key("address", address));
    if (user != null) {
      add(key("user", user));
    }
  }

  private void add(String key) {
    Deque<Long> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
    synchronized (times) {
      times.addLast(now());
      while (times.size() > MAX) {
        times.removeFirst();
      }
    }
  }

  private boolean over(String key, long now) {
    Deque<Long> times = failures.get(key);
    if (times == null) {
      return false;
    }
    synchronized (times) {
      return times.size() >= MAX && times.peekFirst() > now - WINDOW_MILLIS;
    }
  }

  private static long newest(Deque<Long> times) {
    synchronized (times) {
      Long last = times.peekLast();
      return last == null ? 0 : last;
    }
  }

  private static String key(String kind, String value) {
    return kind + ":" + value;
  }

  private static long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }
}
