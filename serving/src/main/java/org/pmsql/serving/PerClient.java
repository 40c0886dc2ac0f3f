package org.pmsql.serving;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much of one kind (connections, requests in flight) each client, an address or a user,
 * holds at once, refused past a bound: one client must not take what every user shares, the
 * server's threads and file descriptors.
 */
public final class PerClient {
  /** Connections one address may hold open. */
  public static final int MAX_CONNECTIONS_PER_ADDRESS = 256;
  /** Requests one address, or one user, may have in flight. */
  public static final int MAX_REQUESTS = 64;

  private final int max;
  private final Map<String, Integer> held = new ConcurrentHashMap<>();

  public PerClient(int max) {
    this.max = max;
  }

  /** Takes one for the client; false, taking nothing, when it holds the most already. */
  public boolean enter(String client) {
    boolean[] entered = {false};
    held.compute(client, (a, n) -> {
      int now = n == null ? 0 : n;
      if (now >= max) {
        return n;
      }
      entered[0] = true;
      return now + 1;
    });
    return entered[0];
  }

  /** Gives back one the client took. */
  public void leave(String client) {
    held.computeIfPresent(client, (a, n) -> n <= 1 ? null : n - 1);
  }

  public int max() {
    return max;
  }
}
