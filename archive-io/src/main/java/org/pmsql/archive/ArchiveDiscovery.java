package org.pmsql.archive;

import org.pmsql.archive.source.ByteSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Finds archives from what a user names: an archive (its base name or any of its files), a
 * directory of archives, or a pmlogger root holding one directory per host; and groups them by
 * the host in their labels. An archive that cannot be opened is reported, not fatal, so one
 * damaged file does not hide a fleet.
 */
public final class ArchiveDiscovery {
  private final Map<String, List<Archive>> byHost = new TreeMap<>();
  private final List<IOException> failures = new ArrayList<>();

  private ArchiveDiscovery() {}

  public static ArchiveDiscovery discover(List<Path> paths) {
    ArchiveDiscovery discovery = new ArchiveDiscovery();
    Set<Path> bases = new LinkedHashSet<>();
    for (Path path : paths) {
      discovery.collectBases(path, bases);
    }
    for (Path base : bases) {
      try {
        Archive archive = Archive.reuse(base);
        discovery.byHost.computeIfAbsent(archive.hostname(), h -> new ArrayList<>()).add(archive);
      } catch (IOException e) {
        discovery.failures.add(e);
      }
    }
    return discovery;
  }

  private void collectBases(Path path, Set<Path> bases) {
    if (Files.isDirectory(path)) {
      List<Path> subdirectories = new ArrayList<>();
      try (Stream<Path> entries = Files.list(path)) {
        entries.sorted().forEach(entry -> {
          if (Files.isDirectory(entry)) {
            subdirectories.add(entry);
          } else if (Archive.isMetaFile(entry.getFileName().toString())) {
            bases.add(Archive.baseOf(entry).normalize());
          }
        });
      } catch (IOException e) {
        failures.add(e);
        return;
      }
      // A pmlogger root: one directory per host, one level deep (pmlogger_check's layout).
      for (Path subdirectory : subdirectories) {
        try (Stream<Path> entries = Files.list(subdirectory)) {
          entries.sorted()
              .filter(e -> Archive.isMetaFile(e.getFileName().toString()))
              .forEach(e -> bases.add(Archive.baseOf(e).normalize()));
        } catch (IOException e) {
          failures.add(e);
        }
      }
    } else if (Files.exists(path) || Files.exists(Path.of(path + ".meta"))
        || hasCompressedMeta(path)) {
      bases.add(Archive.baseOf(path).normalize());
    } else {
      failures.add(new NoSuchFileException(path.toString(), null,
          "no archive, archive file or directory of that name"));
    }
  }

  private static boolean hasCompressedMeta(Path base) {
    for (String suffix : ByteSources.COMPRESSED_SUFFIXES) {
      if (Files.exists(Path.of(base + ".meta" + suffix))) {
        return true;
      }
    }
    return false;
  }

  /** One {@link ArchiveSet} per host, in host name order. */
  public List<ArchiveSet> sets() {
    List<ArchiveSet> sets = new ArrayList<>();
    byHost.forEach((host, archives) -> sets.add(new ArchiveSet(host, archives)));
    return sets;
  }

  /** Archives that were named or found but could not be opened, each with file and offset. */
  public List<IOException> failures() {
    return failures;
  }
}
