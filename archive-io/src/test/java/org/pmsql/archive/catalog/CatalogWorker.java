package org.pmsql.archive.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveFiles;
import org.pmsql.archive.ArchiveSet;

/**
 * Another process using a catalog, for tests of sharing and crashes:
 * {@code once CATALOG ROOT} discovers the root and prints what it found;
 * {@code churn CATALOG ROOT} re-records every archive of the root over and over (touching
 * its .meta so that each entry is rewritten) until killed.
 */
public final class CatalogWorker {
  private CatalogWorker() {}

  public static void main(String[] args) throws Exception {
    ArchiveCatalog catalog = ArchiveCatalog.in(Path.of(args[1]));
    Path root = Path.of(args[2]);
    if (args[0].equals("once")) {
      ArchiveDiscovery found = ArchiveDiscovery.discover(List.of(root), catalog);
      System.out.println("archives=" + found.sets().stream().mapToInt(s -> s.archives().size())
          .sum() + " from_catalog=" + found.fromCatalog() + " failures=" + found.failures()
          + " hosts=" + found.sets().stream().map(ArchiveSet::hostname)
          .collect(Collectors.joining(",")));
      return;
    }
    for (long pass = 0; ; pass++) {
      for (Path dir : hostDirectories(root)) {
        for (Map.Entry<Path, ArchiveFiles> e : ArchiveFiles.inDirectory(dir).entrySet()) {
          Files.setLastModifiedTime(e.getValue().meta(),
              FileTime.fromMillis(System.currentTimeMillis()));
          catalog.open(ArchiveFiles.find(e.getKey()));
        }
      }
      System.out.println("pass " + pass);
    }
  }

  private static List<Path> hostDirectories(Path root) throws Exception {
    List<Path> dirs = new ArrayList<>();
    try (var entries = Files.list(root)) {
      entries.filter(Files::isDirectory).sorted().forEach(dirs::add);
    }
    return dirs;
  }
}
