package org.pmsql.serving;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.pmsql.archive.source.DaemonThreads;

/**
 * Calls back when live data, not garbage, fills the heap past a fraction of its maximum. Queries
 * that hold their input (ORDER BY without LIMIT, GROUP BY with very many groups) grow with the
 * data; the server cancels the running ones then, with an error saying why, rather than let one
 * of them take the whole server down with an OutOfMemoryError.
 *
 * <p>The JVM reports a pool over its threshold after any collection of it, and G1's mixed
 * collections reclaim only some old regions: the garbage left in the others counted as live, and
 * a busy server cancelled every running query although a full collection would have found the
 * heap half empty. So a report is confirmed by a full collection first, one at a time, on a
 * thread of its own.
 */
final class MemoryGuard implements AutoCloseable {
  private static final long QUIET_NANOS = 1_000_000_000L;
  private final NotificationEmitter emitter =
      (NotificationEmitter) ManagementFactory.getMemoryMXBean();
  private final NotificationListener listener;
  private final List<MemoryPoolMXBean> pools = new ArrayList<>();
  private final AtomicBoolean confirming = new AtomicBoolean();
  private final ExecutorService confirmer =
      Executors.newSingleThreadExecutor(DaemonThreads.named("pmsql-memory-guard"));
  /** Reports of the guard's own full collection, and of the ones just after, are not news. */
  private volatile long quietUntilNanos = System.nanoTime();

  MemoryGuard(double fraction, Runnable onLow) {
    listener = (Notification n, Object handback) -> {
      if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())
          && System.nanoTime() - quietUntilNanos > 0 && confirming.compareAndSet(false, true)) {
        confirmer.execute(() -> confirm(onLow));
      }
    };
    emitter.addNotificationListener(listener, null, null);
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      long max = pool.getUsage().getMax();
      if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()
          && max > 0) {
        pool.setCollectionUsageThreshold((long) (max * fraction));
        pools.add(pool);
      }
    }
  }

  private void confirm(Runnable onLow) {
    try {
      System.gc();
      if (pools.stream().anyMatch(MemoryGuard::overThreshold)) {
        onLow.run();
      }
    } finally {
      quietUntilNanos = System.nanoTime() + QUIET_NANOS;
      confirming.set(false);
    }
  }

  private static boolean overThreshold(MemoryPoolMXBean pool) {
    return pool.getCollectionUsageThreshold() > 0
        && pool.getCollectionUsage().getUsed() >= pool.getCollectionUsageThreshold();
  }

  @Override
  public void close() {
    pools.forEach(pool -> pool.setCollectionUsageThreshold(0));
    try {
      emitter.removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // not registered: nothing to remove
    }
    confirmer.shutdownNow();
  }
}
