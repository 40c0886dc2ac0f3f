package org.pmsql.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.streaming.MicroBatchStream;
import org.apache.spark.sql.connector.read.streaming.Offset;
import org.apache.spark.sql.connector.read.streaming.ReadLimit;
import org.apache.spark.sql.connector.read.streaming.SupportsAdmissionControl;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.follow.LiveCursor;
import org.pmsql.spark.hadoop.HadoopPaths;

/**
 * A stream of the hosts' values as their loggers write them: an offset is each host's last
 * record time taken, a batch each host's records after the last batch's up to the newest its
 * logger had written whole when the batch was planned (across volume switches, logger restarts
 * and new hosts, which are read from their beginning). The driver follows each host's newest
 * archive to learn how far it has been written; executors read the records. Restarted from a
 * checkpoint, the stream goes on after the offsets Spark committed, so each value comes once.
 */
final class LiveValues implements MicroBatchStream, SupportsAdmissionControl {
  private final ReadSpec spec;
  private final long startNanos;
  /** Per host, the driver's follower of how far its logger has written. */
  private final Map<String, LiveCursor> followers = new HashMap<>();
  private final Map<String, Long> written = new TreeMap<>();
  private final Map<String, List<String>> directories = new HashMap<>();

  /** {@code startNanos}: values after it (MIN_VALUE: each host's whole history). */
  LiveValues(ReadSpec spec, long startNanos) {
    this.spec = spec;
    this.startNanos = startNanos;
  }

  @Override
  public Offset initialOffset() {
    Map<String, Long> start = new TreeMap<>();
    if (startNanos != Long.MIN_VALUE) {
      hosts().keySet().forEach(h -> start.put(h, startNanos));
    }
    return new HostOffsets(start);
  }

  @Override
  public ReadLimit getDefaultReadLimit() {
    return ReadLimit.allAvailable();
  }

  @Override
  public Offset latestOffset() {
    return latestOffset(initialOffset(), ReadLimit.allAvailable());
  }

  @Override
  public synchronized Offset latestOffset(Offset start, ReadLimit limit) {
    HostOffsets from = (HostOffsets) start;
    try {
      for (Map.Entry<String, List<String>> host : hosts().entrySet()) {
        String name = host.getKey();
        LiveCursor follower = followers.get(name);
        if (follower == null) {
          long after = Math.max(from.of(name), startNanos);
          follower = new LiveCursor(name, host.getValue().stream().map(HadoopPaths::of).toList(),
              after == Long.MIN_VALUE ? after : after + 1, () -> { });
          followers.put(name, follower);
          if (after != Long.MIN_VALUE) {
            written.put(name, after);
          }
        }
        while (follower.nextIfWritten()) {
          if (!follower.isMark()) {
            written.put(name, follower.timestampNanos());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("pcp: following the hosts' archives: " + e.getMessage(), e);
    }
    Map<String, Long> latest = from.asMap();
    latest.putAll(written);
    return new HostOffsets(latest);
  }

  /** The hosts to follow (as the read's host filter allows) and their archives' directories. */
  private Map<String, List<String>> hosts() {
    ArchiveDiscovery found = ArchiveDiscovery.discover(spec.archives().stream().map(HadoopPaths::of)
        .toList());
    Map<String, List<String>> hosts = new TreeMap<>();
    for (ArchiveSet set : found.sets()) {
      if (spec.hosts() == null || spec.hosts().contains(set.hostname())) {
        List<String> dirs = new ArrayList<>();
        for (Archive a : set.archives()) {
          String dir = a.base().toAbsolutePath().getParent().toString();
          if (!dirs.contains(dir)) {
            dirs.add(dir);
          }
        }
        hosts.put(set.hostname(), dirs);
      }
    }
    directories.putAll(hosts);
    return hosts;
  }

  @Override
  public synchronized InputPartition[] planInputPartitions(Offset start, Offset end) {
    HostOffsets from = (HostOffsets) start;
    List<InputPartition> slices = new ArrayList<>();
    for (Map.Entry<String, Long> host : ((HostOffsets) end).asMap().entrySet()) {
      long after = Math.max(from.of(host.getKey()), spec.lowNanos() == Long.MIN_VALUE
          ? Long.MIN_VALUE : spec.lowNanos() - 1);
      long until = Math.min(host.getValue(), spec.highNanos());
      if (until > after) {
        if (!directories.containsKey(host.getKey())) {
          hosts();
        }
        List<String> dirs = directories.get(host.getKey());
        if (dirs != null) {
          slices.add(new LiveSlice(host.getKey(), dirs, after, until, spec));
        }
      }
    }
    return slices.toArray(InputPartition[]::new);
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new ValuesScan.SliceReaders();
  }

  @Override
  public Offset deserializeOffset(String json) {
    return HostOffsets.parse(json);
  }

  @Override
  public void commit(Offset end) {
    // nothing kept per batch: the offsets say where the next one starts
  }

  @Override
  public synchronized void stop() {
    for (LiveCursor follower : followers.values()) {
      try {
        follower.close();
      } catch (IOException ignored) {
        // a follower only reads; closing one that failed loses nothing
      }
    }
    followers.clear();
  }
}
