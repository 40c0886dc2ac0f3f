package org.pmsql.server;

import java.util.concurrent.ThreadFactory;

/** Threads of the server's own housekeeping: named for thread dumps, never keeping it alive. */
final class DaemonThreads {
  private DaemonThreads() {}

  static ThreadFactory named(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
