package org.pmsql.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.TemporalIndex;
import org.pmsql.archive.source.ByteSource;
import org.pmsql.archive.source.ByteSources;
import org.pmsql.archive.values.ValueCursor;

/**
 * Cuts each host's archives into slices of about {@code targetBytes} of (decompressed) volume
 * data, at times their temporal indexes name (where a reader can seek), within the read's
 * window. A slice takes the archives its window and its rates' look-back need, no others.
 */
final class Slices {
  /** How many times larger than on disk a volume compressed otherwise than by xz is taken. */
  private static final int TYPICAL_COMPRESSION = 8;

  private Slices() {}

  static List<Slice> of(ArchiveSet set, ReadSpec spec, long targetBytes) {
    List<Slice> slices = new ArrayList<>();
    List<long[]> cuts = new ArrayList<>(); // {time a slice starts, volume bytes before it}
    long total = 0;
    long lastCut = 0;
    long lastCutTime = set.startNanos();
    try {
      for (Archive archive : set.archives()) {
        Map<Integer, Long> volumeStart = new HashMap<>();
        long bytes = 0;
        for (int v : archive.volumeNumbers()) {
          volumeStart.put(v, bytes);
          bytes += size(archive, v);
        }
        TemporalIndex index = archive.index();
        for (int e = 0; index != null && e < index.size(); e++) {
          Long start = volumeStart.get(index.volume(e));
          if (start == null) {
            continue;
          }
          long position = total + start + index.dataOffset(e);
          if (position - lastCut >= targetBytes && index.time(e) > lastCutTime) {
            cuts.add(new long[] {index.time(e), position});
            lastCut = position;
            lastCutTime = index.time(e);
          }
        }
        total += bytes;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    long from = Long.MIN_VALUE;
    long startBytes = 0;
    for (int i = 0; i <= cuts.size(); i++) {
      long to = i < cuts.size() ? cuts.get(i)[0] - 1 : Long.MAX_VALUE;
      long endBytes = i < cuts.size() ? cuts.get(i)[1] : total;
      long low = Math.max(from, spec.lowNanos());
      long high = Math.min(to, spec.highNanos());
      List<String> archives = low <= high ? archivesFor(set, low, high) : List.of();
      // a window before the host's first archive holds nothing to read
      if (!archives.isEmpty()) {
        slices.add(new Slice(set.hostname(), archives, low, high, endBytes - startBytes,
            spec));
      }
      if (i < cuts.size()) {
        from = cuts.get(i)[0];
        startBytes = endBytes;
      }
    }
    return slices;
  }

  /** The archives holding [low, high] or the look-back before it that rates need. */
  private static List<String> archivesFor(ArchiveSet set, long low, long high) {
    long from = low > Long.MIN_VALUE + ValueCursor.RATE_LOOKBACK_NANOS
        ? low - ValueCursor.RATE_LOOKBACK_NANOS : low;
    List<String> paths = new ArrayList<>();
    List<Archive> archives = set.archives();
    for (int i = 0; i < archives.size(); i++) {
      Archive a = archives.get(i);
      long nextStart = i + 1 < archives.size() ? archives.get(i + 1).startNanos()
          : Long.MAX_VALUE;
      // an archive ends before the next starts, or is the last: no end needs reading
      if (a.startNanos() <= high && nextStart > from) {
        paths.add(a.base().toString());
      }
    }
    return paths;
  }

  /**
   * A volume's bytes as a reader sees them: decompressed, which an xz file states in its index
   * (and the temporal index's offsets count); other compressions only tell it by expanding the
   * file, so their size on disk is taken times a typical ratio.
   */
  private static long size(Archive archive, int volume) throws IOException {
    Path file = archive.volumeFile(volume);
    if (file == null || !Files.exists(file)) {
      return 0;
    }
    String suffix = ByteSources.compressionSuffix(file.toString());
    if (suffix.isEmpty()) {
      return Files.size(file);
    }
    if (suffix.equals(".xz")) {
      try (ByteSource source = ByteSources.open(file)) {
        return source.size();
      }
    }
    return Files.size(file) * TYPICAL_COMPRESSION;
  }
}
