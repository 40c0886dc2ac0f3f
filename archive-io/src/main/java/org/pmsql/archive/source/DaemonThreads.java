package org.pmsql.archive.source;

import java.util.concurrent.ThreadFactory;

/** Threads of pmsql's own background work: named for thread dumps, never keeping a JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
