package org.pmsql.cli;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.pmsql.archive.catalog.ArchiveCatalog;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.sql.scan.ScanProgress;

/**
 * A progress line on stderr for connections and queries that run longer than two seconds, when
 * stderr is a terminal: archives catalogued (a large root's first scan), then records scanned
 * so far and their rate. Erased when the query ends.
 */
final class Progress implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final long startRecords = ScanProgress.records();
  private final long startRead = ArchiveCatalog.read();
  private final long startDescribed = ArchiveCatalog.described();
  private final long startNanos = System.nanoTime();
  private volatile boolean shown;

  private Progress(ScheduledExecutorService timer) {
    this.timer = timer;
  }

  static Progress start() {
    if (System.console() == null) {
      return new Progress(null);
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.named("pmsql-progress"));
    Progress p = new Progress(timer);
    timer.scheduleAtFixedRate(p::show, 2, 1, TimeUnit.SECONDS);
    return p;
  }

  private void show() {
    long records = ScanProgress.records() - startRecords;
    long read = ArchiveCatalog.read() - startRead;
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    if (records == 0 && read > 0) {
      System.err.printf("\r  cataloguing: %,d archives read, %,d known from the catalog  ",
          read, ArchiveCatalog.described() - startDescribed);
    } else {
      System.err.printf("\r  scanning: %,d archive records in %.0f s (%,.0f/s)  ", records,
          seconds, records / seconds);
    }
    shown = true;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      if (shown) {
        System.err.print("\r" + " ".repeat(70) + "\r");
      }
    }
  }
}
