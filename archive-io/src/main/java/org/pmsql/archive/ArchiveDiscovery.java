package org.pmsql.archive;

import org.pmsql.archive.source.ByteSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private int fromCatalog;

  private ArchiveDiscovery() {}

  public static ArchiveDiscovery discover(List<Path> paths) {
    return discover(paths, ArchiveOpener.READ);
  }

  /** How many archives are under {@code paths}, found from file names alone. */
  public static int count(List<Path> paths) {
    ArchiveDiscovery discovery = new ArchiveDiscovery();
    Map<Path, ArchiveFiles> found = new LinkedHashMap<>();
    for (Path path : paths) {
      discovery.collect(path, found);
    }
    return found.size();
  }

  /**
   * The archives under {@code paths}, each opened by {@code opener} unless this process has it
   * open already: a catalog describes those it knows without reading them.
   */
  public static ArchiveDiscovery discover(List<Path> paths, ArchiveOpener opener) {
    ArchiveDiscovery discovery = new ArchiveDiscovery();
    Map<Path, ArchiveFiles> found = new LinkedHashMap<>();
    for (Path path : paths) {
      discovery.collect(path, found);
    }
    for (ArchiveFiles files : found.values()) {
      try {
        Archive archive = Archive.reuse(files, opener);
        if (archive.fromCatalog()) {
          discovery.fromCatalog++;
        }
        discovery.byHost.computeIfAbsent(archive.hostname(), h -> new ArrayList<>()).add(archive);
      } catch (IOException e) {
        discovery.failures.add(e);
      }
    }
    return discovery;
  }

  private void collect(Path path, Map<Path, ArchiveFiles> found) {
    if (Files.isDirectory(path)) {
      List<Path> directories = new ArrayList<>();
      directories.add(path);
      try (Stream<Path> entries = Files.list(path)) {
        // a pmlogger root: one directory per host, one level deep (pmlogger_check's layout)
        entries.filter(Files::isDirectory).sorted().forEach(directories::add);
      } catch (IOException e) {
        failures.add(e);
        return;
      }
      for (Path directory : directories) {
        try {
          ArchiveFiles.inDirectory(directory).forEach((base, files) -> {
            if (files.meta() != null) {
              found.putIfAbsent(base, files);
            }
          });
        } catch (IOException e) {
          failures.add(e);
        }
      }
    } else if (Files.exists(path) || Files.exists(sibling(path, ".meta"))
        || hasCompressedMeta(path)) {
      try {
        ArchiveFiles files = ArchiveFiles.find(ArchiveFiles.baseOf(path).normalize());
        found.putIfAbsent(files.base(), files);
      } catch (IOException e) {
        failures.add(e);
      }
    } else {
      failures.add(new NoSuchFileException(path.toString(), null,
          "no archive, archive file or directory of that name"));
    }
  }

  /** The file named as {@code path} with {@code suffix} added, on the same file system. */
  private static Path sibling(Path path, String suffix) {
    Path name = path.getFileName();
    return name == null ? path : path.resolveSibling(name + suffix);
  }

  private static boolean hasCompressedMeta(Path base) {
    for (String suffix : ByteSources.COMPRESSED_SUFFIXES) {
      if (Files.exists(sibling(base, ".meta" + suffix))) {
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

  /** How many of the archives found the catalog described, unread. */
  public int fromCatalog() {
    return fromCatalog;
  }

  /** Archives that were named or found but could not be opened, each with file and offset. */
  public List<IOException> failures() {
    return failures;
  }
}
