package org.pmsql.sql.scan;

import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;

/**
 * Ends a scan when its statement is cancelled or its query timeout passes; Calcite only sets
 * the flag and the timeout, so scans call this now and then, and live scans between waits.
 */
public final class QueryStop implements Runnable {
  private final AtomicBoolean cancel;
  private final long timeoutMillis;
  private final long deadline;

  private QueryStop(AtomicBoolean cancel, long timeoutMillis) {
    this.cancel = cancel;
    this.timeoutMillis = timeoutMillis;
    this.deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000L : 0;
  }

  public static QueryStop of(DataContext root) {
    Object timeout = root.get(DataContext.Variable.TIMEOUT.camelName);
    return new QueryStop(DataContext.Variable.CANCEL_FLAG.get(root),
        timeout instanceof Number n ? n.longValue() : 0);
  }

  @Override
  public void run() {
    if (cancel != null && cancel.get()) {
      throw new CancellationException("query cancelled");
    }
    if (deadline != 0 && System.nanoTime() - deadline > 0) {
      throw new CancellationException("query timed out after " + timeoutMillis / 1000.0 + " s");
    }
  }
}
