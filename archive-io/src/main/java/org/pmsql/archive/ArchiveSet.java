package org.pmsql.archive;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.pmsql.archive.format.MetricDesc;

/**
 * One host's archives in time order, read as one continuous history with marks at the gaps
 * (libpcp's multi-archive context).
 */
public final class ArchiveSet {
  private final String hostname;
  private final List<Archive> archives;
  private Set<String> metricNames;

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

  /**
   * Every name of every metric any of its archives describes, aliases included (from the
   * catalog if it has them).
   */
  public synchronized Set<String> metricNames() {
    if (metricNames == null) {
      Set<String> names = new TreeSet<>();
      archives.forEach(a -> names.addAll(a.metricNames()));
      metricNames = Collections.unmodifiableSet(names);
    }
    return metricNames;
  }

  /** How many metrics its archives describe, a metric with several names counted once. */
  public int metricCount() {
    Set<String> reported = new TreeSet<>();
    archives.forEach(a -> a.metricNameLists().forEach(names -> reported.add(names.get(0))));
    return reported.size();
  }

  public long startNanos() {
    return archives.get(0).startNanos();
  }

  public long endNanos() throws IOException {
    return archives.get(archives.size() - 1).endNanos();
  }

  /**
   * An instance's name at a time: from the latest archive begun by then that names it (an
   * archive's metadata holds only the domain states it logged), else from any.
   */
  public String instanceName(int indom, int inst, long nanos) {
    for (int i = archives.size() - 1; i >= 0; i--) {
      Archive archive = archives.get(i);
      if (i == 0 || archive.startNanos() <= nanos) {
        String name = archive.metadata().instanceName(indom, inst, nanos);
        if (name != null) {
          return name;
        }
      }
    }
    return null;
  }

  /** The metric's descriptor from the latest archive that has it, or null. */
  public MetricDesc desc(String metric) {
    for (int i = archives.size() - 1; i >= 0; i--) {
      MetricDesc desc = archives.get(i).metadata().desc(metric);
      if (desc != null) {
        return desc;
      }
    }
    return null;
  }

  /** A cursor before the first record. */
  public ArchiveCursor cursor() {
    return new ArchiveCursor(archives);
  }
}
