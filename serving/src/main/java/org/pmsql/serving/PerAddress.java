package org.pmsql.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much of one kind (connections, requests in flight) each client address holds at once,
 * refused past a bound: one address must not take what every user shares, the server's
 * threads and file descriptors.
 */
public final class PerAddress {
  /** Connections one address may hold open. */
  public static final int MAX_CONNECTIONS = 256;
  /** Requests one address may have in flight. */
  public static final int MAX_REQUESTS = 64;

  private final int max;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public PerAddress(int max) {
    this.max = max;
  }

  /** Takes one for the address; false, taking nothing, when it holds the most already. */
  public boolean enter(String address) {
    boolean[] entered = {false};
    held.compute(address, (a, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      entered[0] = true;
      return now + 1;
    });
    return entered[0];
  }

  /** Gives back one the address took. */
  public void leave(String address) {
    held.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  public int max() {
    return max;
  }
}
