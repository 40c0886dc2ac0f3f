package org.pmsql.archive.follow;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveFiles;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.RecordCursor;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.Label;
import org.pmsql.archive.format.ResultRecord;

/**
 * One host's records from a point in its history on into what its pmlogger is writing now:
 * finished archives through {@link ArchiveCursor} (index seek), then the newest archive through
 * an {@link ArchiveTail}, then each archive that appears later (logger restart, daily rotation),
 * with a mark between archives as libpcp puts one. {@link #next()} blocks until a record is
 * there; it waits on a directory watch (inotify on Linux) and polls as a fallback, so an idle
 * follower costs next to nothing, and it asks {@code stop} between waits so that a cancelled or
 * timed-out query ends promptly.
 */
public final class LiveCursor implements RecordCursor {
  /** A start time meaning "only what is written from now on". */
  public static final long LIVE_EDGE = Long.MAX_VALUE;
  private static final long MARK_GAP_NANOS = 1_000_000L;
  /** Longest sleep between looks at the files when no watch event arrives. */
  private static final long POLL_MILLIS = 250;
  /** Longest time between looks for a newer archive when no watch event announces one. */
  private static final long RESCAN_NANOS = 5_000_000_000L;

  private final String host;
  private final Set<Path> directories;
  private final Runnable stop;
  private final WatchService watch;
  private ArchiveCursor history;
  private boolean historyHadRecords;
  private long historyEndNanos;
  private ArchiveTail tail;
  private long tailStartNanos;
  private boolean synthetic;
  private long markNanos;
  private long lastNanos = Long.MIN_VALUE;
  private boolean lookForNewer = true;
  private long lastScanNanos;
  /** Labels already read: a whole label never changes, so each .meta is read once. */
  private final Map<Path, Label> labels = new HashMap<>();

  /**
   * @param host the host, as its archive labels name it
   * @param directories where its logger writes (and restarts or rotates) archives
   * @param fromNanos the first record time wanted, or {@link #LIVE_EDGE}
   * @param stop called between waits; throws to end the stream (cancel, timeout)
   */
  public LiveCursor(String host, Collection<Path> directories, long fromNanos, Runnable stop)
      throws IOException {
    this.host = host;
    this.stop = stop;
    this.directories = new LinkedHashSet<>(directories);
    this.watch = openWatch(this.directories);
    List<Candidate> archives = scan();
    if (archives.isEmpty()) {
      throw new IOException("no archive of host " + host + " in " + directories);
    }
    Candidate newest = archives.get(archives.size() - 1);
    tail = new ArchiveTail(newest.base);
    tailStartNanos = newest.label.startNanos();
    if (fromNanos == LIVE_EDGE) {
      tail.seekToEnd();
      return;
    }
    List<Archive> finished = new ArrayList<>();
    for (Candidate c : archives.subList(0, archives.size() - 1)) {
      Archive archive = Archive.open(c.base);
      if (archive.endNanos() >= fromNanos) {
        finished.add(archive);
      }
    }
    if (!finished.isEmpty()) {
      history = new ArchiveSet(host, finished).cursor();
      if (fromNanos > finished.get(0).startNanos()) {
        history.seek(fromNanos);
      }
      historyEndNanos = finished.get(finished.size() - 1).endNanos();
    }
    if (fromNanos > tailStartNanos) {
      tail.seek(fromNanos);
    }
  }

  @Override
  public boolean next() throws IOException {
    return advance(true);
  }

  /**
   * The next record if one is on disk now (or a newer archive's mark), else false at once
   * rather than waiting: what a poller asks to learn how far a host's logger has written.
   */
  public boolean nextIfWritten() throws IOException {
    return advance(false);
  }

  private boolean advance(boolean wait) throws IOException {
    synthetic = false;
    if (history != null) {
      if (history.next()) {
        historyHadRecords = true;
        lastNanos = history.timestampNanos();
        return true;
      }
      history.close();
      history = null;
      if (historyHadRecords) {
        return mark(historyEndNanos + MARK_GAP_NANOS);
      }
    }
    while (true) {
      if (tail.next()) {
        lastNanos = tail.record().timestampNanos();
        return true;
      }
      Candidate newer = lookForNewer ? newerArchive() : null;
      if (newer != null) {
        if (tail.next()) {
          // written to the old archive while we looked: it still comes first
          lastNanos = tail.record().timestampNanos();
          return true;
        }
        tail.close();
        tail = new ArchiveTail(newer.base);
        tailStartNanos = newer.label.startNanos();
        if (lastNanos != Long.MIN_VALUE) {
          return mark(lastNanos + MARK_GAP_NANOS);
        }
        continue;
      }
      if (!wait) {
        lookForNewer = true;
        return false;
      }
      lookForNewer = awaitChange() || System.nanoTime() - lastScanNanos > RESCAN_NANOS;
      stop.run();
    }
  }

  private boolean mark(long nanos) {
    synthetic = true;
    markNanos = nanos;
    lastNanos = nanos;
    return true;
  }

  /** An archive of this host that started after the followed one (logger restart, rotation). */
  private Candidate newerArchive() throws IOException {
    lastScanNanos = System.nanoTime();
    for (Candidate c : scan()) {
      if (c.label.startNanos() > tailStartNanos) {
        return c;
      }
    }
    return null;
  }

  /**
   * Waits for a change in the followed directories, at most {@link #POLL_MILLIS}; returns
   * whether an archive may have been created (so the directories are worth a new look).
   */
  private boolean awaitChange() throws IOException {
    try {
      if (watch == null) {
        Thread.sleep(POLL_MILLIS);
        return true;
      }
      WatchKey key = watch.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      if (key == null) {
        return false;
      }
      boolean created = false;
      for (var event : key.pollEvents()) {
        created |= event.kind() != StandardWatchEventKinds.ENTRY_MODIFY
            || String.valueOf(event.context()).contains(".meta");
      }
      key.reset();
      return created;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while following " + directories, e);
    } catch (ClosedWatchServiceException e) {
      throw new IOException("the follower of " + directories + " was closed", e);
    }
  }

  /** The host's archives in the followed directories, oldest first, by their .meta labels. */
  private List<Candidate> scan() throws IOException {
    List<Candidate> found = new ArrayList<>();
    for (Path dir : directories) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
        for (Path file : files) {
          if (!ArchiveFiles.isMetaFile(file.getFileName().toString())) {
            continue;
          }
          Label label = labels.get(file);
          if (label == null) {
            try {
              label = ArchiveTail.wholeLabel(file);
            } catch (ArchiveFormatException notAnArchive) {
              continue; // listed by the catalog's archive_errors; not followed
            }
            if (label == null) {
              continue; // not all written yet: read again next time
            }
            labels.put(file, label);
          }
          if (label.hostname().equals(host)) {
            found.add(new Candidate(ArchiveFiles.baseOf(file), label));
          }
        }
      }
    }
    found.sort(Comparator.comparingLong(c -> c.label.startNanos()));
    return found;
  }

  private static WatchService openWatch(Set<Path> directories) {
    try {
      WatchService service = directories.iterator().next().getFileSystem().newWatchService();
      for (Path dir : directories) {
        dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
            StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
      }
      return service;
    } catch (IOException | UnsupportedOperationException noWatch) {
      return null;
    }
  }

  @Override
  public long timestampNanos() {
    if (synthetic) {
      return markNanos;
    }
    return history != null ? history.timestampNanos() : tail.record().timestampNanos();
  }

  @Override
  public boolean isMark() {
    if (synthetic) {
      return true;
    }
    return history != null ? history.isMark() : tail.record().isMark();
  }

  @Override
  public ResultRecord record() {
    return history != null ? history.record() : tail.record();
  }

  @Override
  public ArchiveMetadata metadata() {
    return history != null ? history.metadata() : tail.metadata();
  }

  @Override
  public void close() throws IOException {
    try {
      if (history != null) {
        history.close();
      }
      tail.close();
    } finally {
      if (watch != null) {
        watch.close();
      }
    }
  }

  private record Candidate(Path base, Label label) {}
}
