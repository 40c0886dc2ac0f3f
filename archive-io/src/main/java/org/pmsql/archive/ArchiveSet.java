package org.pmsql.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One host's archives in time order, read as one continuous history with marks at the gaps
 * (libpcp's multi-archive context).
 */
public final class ArchiveSet {
  private final String hostname;
  private final List<Archive> archives;

  public ArchiveSet(String hostname, List<Archive> archives) {
    List<Archive> sorted = new ArrayList<>(archives);
    sorted.sort(Comparator.comparingLong(Archive::startNanos)
        .thenComparing(a -> a.base().toString()));
    this.hostname = hostname;
    this.archives = List.copyOf(sorted);
  }

  public String hostname() {
    return hostname;
  }

  public List<Archive> archives() {
    return archives;
  }

  public long startNanos() {
    return archives.get(0).startNanos();
  }

  public long endNanos() throws IOException {
    return archives.get(archives.size() - 1).endNanos();
  }

  /** A cursor before the first record. */
  public ArchiveCursor cursor() {
    return new ArchiveCursor(archives);
  }
}
