package org.pmsql.pmproxy;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.pmsql.pmseries.QueryException;

/**
 * pmproxy's PMAPI contexts: a number naming one host's archives for one user, forgotten after
 * its poll timeout passes unused (pmproxy's default 5 s). A context is found only by the user
 * who made it: another user's number is unknown to them, as pmproxy would say of any number it
 * never gave. Each user holds at most {@link #MAX_PER_USER}; making one more forgets their
 * least recently used.
 */
final class PmapiContexts {
  static final int MAX_PER_USER = 256;
  static final double DEFAULT_POLL_TIMEOUT_SECONDS = 5;
  private static final double MAX_POLL_TIMEOUT_SECONDS = 24 * 3600;

  /** One context; {@code lastUseNanos} moves on each use. */
  static final class Context {
    final int id;
    final String user;
    final String host;
    final long timeoutNanos;
    volatile long lastUseNanos;

    Context(int id, String user, String host, long timeoutNanos) {
      this.id = id;
      this.user = user;
      this.host = host;
      this.timeoutNanos = timeoutNanos;
      this.lastUseNanos = System.nanoTime();
    }

    boolean expired(long now) {
      return now - lastUseNanos > timeoutNanos;
    }
  }

  private final SecureRandom random = new SecureRandom();
  private final Map<Integer, Context> contexts = new ConcurrentHashMap<>();

  /** A new context of {@code user}'s on {@code host}; {@code pollTimeout} in seconds or null. */
  Context create(String user, String host, String pollTimeout) throws QueryException {
    double seconds = DEFAULT_POLL_TIMEOUT_SECONDS;
    if (pollTimeout != null) {
      try {
        seconds = Double.parseDouble(pollTimeout.strip());
      } catch (NumberFormatException e) {
        seconds = Double.NaN;
      }
      if (!(seconds > 0 && seconds <= MAX_POLL_TIMEOUT_SECONDS)) {
        throw new QueryException("invalid timeout requested in polltime: " + pollTimeout
            + " (seconds, more than 0 and at most " + (long) MAX_POLL_TIMEOUT_SECONDS + ")");
      }
    }
    long now = System.nanoTime();
    contexts.values().removeIf(c -> c.expired(now));
    var own = contexts.values().stream().filter(c -> c.user.equals(user)).toList();
    if (own.size() >= MAX_PER_USER) {
      own.stream().min(Comparator.comparingLong(c -> c.lastUseNanos))
          .ifPresent(c -> contexts.remove(c.id));
    }
    while (true) {
      int id = random.nextInt(Integer.MAX_VALUE);
      Context context = new Context(id, user, host,
          (long) (seconds * TimeUnit.SECONDS.toNanos(1)));
      if (contexts.putIfAbsent(id, context) == null) {
        return context;
      }
    }
  }

  /** The user's context named {@code id}, its timeout restarted. */
  Context use(String user, String id) throws QueryException {
    int number;
    try {
      number = Integer.parseInt(id.strip());
    } catch (NumberFormatException e) {
      throw new QueryException("invalid context identifier: " + id);
    }
    Context context = contexts.get(number);
    if (context == null || !context.user.equals(user)) {
      throw new QueryException("unknown context identifier: " + number);
    }
    long now = System.nanoTime();
    if (context.expired(now)) {
      contexts.remove(number, context);
      throw new QueryException("expired context identifier: " + number);
    }
    context.lastUseNanos = now;
    return context;
  }
}
