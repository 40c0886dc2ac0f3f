package org.pmsql.serving;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;

/**
 * Calls back when the heap is still over a fraction of its maximum right after a garbage
 * collection: live data, not garbage, fills it. Queries that hold their input (ORDER BY without
 * LIMIT, GROUP BY with very many groups) grow with the data; the server cancels the running ones
 * then, with an error saying why, rather than let one of them take the whole server down with an
 * OutOfMemoryError.
 */
final class MemoryGuard implements AutoCloseable {
  private final NotificationEmitter emitter =
      (NotificationEmitter) ManagementFactory.getMemoryMXBean();
  private final NotificationListener listener;
  private final List<MemoryPoolMXBean> pools = new ArrayList<>();

  MemoryGuard(double fraction, Runnable onLow) {
    listener = (Notification n, Object handback) -> {
      if (MemoryNotificationInfo.MEMORY_COLLECTION_THRESHOLD_EXCEEDED.equals(n.getType())) {
        onLow.run();
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

  @Override
  public void close() {
    pools.forEach(pool -> pool.setCollectionUsageThreshold(0));
    try {
      emitter.removeNotificationListener(listener);
    } catch (ListenerNotFoundException e) {
      // not registered: nothing to remove
    }
  }
}
