package org.pmsql.archive.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveFiles;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.testsupport.Fleet;
import org.pmsql.testsupport.PcpTools;

/**
 * The archive catalog over a pmlogger root of 3 hosts x 4 daily archives made by
 * pmlogrewrite: what it describes equals what reading the archives gives (labels, last record
 * times, metric names, every record); an archive whose files changed (a volume compressed, a
 * .meta touched) is read again, a removed one is gone; it survives a writer killed mid-work
 * (SIGKILL) and two processes cataloguing the same root at once.
 */
class ArchiveCatalogTest {
  @TempDir static Path fleet;
  @TempDir Path dir;

  @BeforeAll
  static void buildFleet() throws Exception {
    Fleet.build(fleet, 3, 4);
  }

  @Test
  void describesWhatItRecordedAndRereadsWhatChanged() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    copyFleet(root);
    ArchiveCatalog catalog = ArchiveCatalog.in(dir.resolve("catalog"));
    Map<Path, ArchiveFiles> archives = allArchives(root);
    assertEquals(12, archives.size());
    for (ArchiveFiles files : archives.values()) {
      assertTrue(!catalog.open(files).fromCatalog(), "first sight reads " + files.base());
    }
    for (ArchiveFiles files : archives.values()) {
      Archive described = catalog.open(files);
      Archive read = Archive.open(files.base());
      assertTrue(described.fromCatalog(), files.base().toString());
      assertEquals(read.label(), described.label());
      assertEquals(read.endNanos(), described.endNanos());
      assertEquals(read.metricNameLists(), described.metricNameLists());
      assertEquals(read.volumeNumbers(), described.volumeNumbers());
    }
    Path first = archives.keySet().iterator().next();
    assertEquals(records(Archive.open(first)), records(catalog.open(archives.get(first))));

    // pmlogger_daily compresses a volume: same data, other files; a .meta touched
    Path volume = archives.get(first).volumes().firstEntry().getValue();
    assertEquals(0, PcpTools.run(120, "xz", volume.toString()).exitCode());
    Path touched = archives.values().stream().skip(5).findFirst().orElseThrow().meta();
    Files.setLastModifiedTime(touched, FileTime.fromMillis(System.currentTimeMillis() + 5000));
    Map<Path, ArchiveFiles> now = allArchives(root);
    int described = 0;
    for (ArchiveFiles files : now.values()) {
      described += catalog.open(files).fromCatalog() ? 1 : 0;
    }
    assertEquals(10, described, "the compressed and the touched archive are read again");
    assertEquals(records(Archive.open(first)), records(catalog.open(now.get(first))));

    Path removed = now.keySet().stream().skip(7).findFirst().orElseThrow();
    try (var files = Files.list(removed.getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(removed.getFileName() + ".")) {
          Files.delete(f);
        }
      }
    }
    ArchiveDiscovery found = ArchiveDiscovery.discover(List.of(root), catalog);
    assertEquals(11, found.sets().stream().mapToInt(s -> s.archives().size()).sum());
    assertEquals(List.of(Fleet.host(0), Fleet.host(1), Fleet.host(2)),
        found.sets().stream().map(ArchiveSet::hostname).toList());
  }

  @Test
  void survivesAWriterKilledMidWork() throws Exception {
    Path catalogDir = dir.resolve("catalog");
    Path root = Files.createDirectories(dir.resolve("root"));
    copyFleet(root);
    Worker churn = worker("churn", catalogDir, root);
    try {
      churn.waitFor("pass 3");
      Thread.sleep(37); // somewhere inside a pass: entries being written
    } finally {
      churn.kill(); // SIGKILL: no shutdown hook, locks left as they were
    }
    long started = System.nanoTime();
    String after = worker("once", catalogDir, root).finish();
    assertTrue(after.contains("archives=12 ") && after.contains("failures=[]"), after);
    String again = worker("once", catalogDir, root).finish();
    assertTrue(again.contains("archives=12 from_catalog=12 "), again);
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(60),
        "no wait on locks the killed writer held");
  }

  @Test
  void twoProcessesCatalogueOneRootAtOnce() throws Exception {
    Path catalogDir = dir.resolve("catalog");
    Worker a = worker("once", catalogDir, fleet);
    Worker b = worker("once", catalogDir, fleet);
    String hosts = "hosts=" + Fleet.host(0) + "," + Fleet.host(1) + "," + Fleet.host(2);
    for (String out : List.of(a.finish(), b.finish())) {
      assertTrue(out.contains("archives=12 ") && out.contains(hosts), out);
    }
    String after = worker("once", catalogDir, fleet).finish();
    assertTrue(after.contains("from_catalog=12 "), after);
  }

  private static void copyFleet(Path root) throws IOException {
    try (var walk = Files.walk(fleet)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = root.resolve(fleet.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static Map<Path, ArchiveFiles> allArchives(Path root) throws IOException {
    Map<Path, ArchiveFiles> all = new TreeMap<>();
    try (var hosts = Files.list(root)) {
      for (Path host : (Iterable<Path>) hosts.sorted()::iterator) {
        all.putAll(ArchiveFiles.inDirectory(host));
      }
    }
    return all;
  }

  /** Every record's time and value count, in order. */
  private static List<Long> records(Archive archive) throws IOException {
    List<Long> seen = new ArrayList<>();
    ArchiveCursor cursor = new ArchiveSet(archive.hostname(), List.of(archive)).cursor();
    while (cursor.next()) {
      seen.add(cursor.timestampNanos() * 31 + (cursor.isMark() ? -1 : cursor.record().setCount()));
    }
    return seen;
  }

  /** A CatalogWorker in a JVM of its own, with this JVM's --add-opens/--add-exports. */
  private Worker worker(String mode, Path catalogDir, Path root) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String argument : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (argument.startsWith("--add-")) {
        command.add(argument);
      }
    }
    command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
        CatalogWorker.class.getName(), mode, catalogDir.toString(), root.toString()));
    Path output = Files.createTempFile(dir, mode, ".out");
    return new Worker(new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start(), output);
  }

  private record Worker(Process process, Path output) {
    String finish() throws Exception {
      assertTrue(process.waitFor(120, TimeUnit.SECONDS), "worker did not finish");
      String out = Files.readString(output);
      assertEquals(0, process.exitValue(), out);
      return out;
    }

    void waitFor(String line) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (System.nanoTime() < deadline && process.isAlive()) {
        if (Files.readString(output).contains(line)) {
          return;
        }
        Thread.sleep(50);
      }
      throw new AssertionError("worker never printed '" + line + "': "
          + Files.readString(output));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
