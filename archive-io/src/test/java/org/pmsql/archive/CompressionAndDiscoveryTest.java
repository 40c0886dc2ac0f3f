package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.testsupport.PcpTools;

/**
 * Every compression libpcp reads, applied with the real compressors to the volumes and .meta
 * of a multi-volume corpus archive, read here and by libpcp (by libpcp from the plain original
 * where it cannot read the compressed copy); and archive discovery over a pmlogger
 * root with one directory per host.
 */
class CompressionAndDiscoveryTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "xz, xz -0 --block-size=4KiB -c",
    "gz, gzip -c",
    "bz2, bzip2 -c",
    "zst, zstd -q -c",
    "lzma, xz --format=lzma -c",
  })
  void compressedCopiesAgreeWithLibpcp(String suffix, String compressor) throws Exception {
    Path source = PcpTools.corpus().resolve("ok-mv-bigbin");
    Path copy = dir.resolve("copy");
    Files.createDirectories(copy);
    try (Stream<Path> files = Files.list(source.getParent())) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (!name.startsWith("ok-mv-bigbin.") || !ArchiveFiles.baseOf(f).equals(source)) {
          continue;
        }
        // Start from the plain bytes, then compress everything but the index (as PCP does).
        Path plain = copy.resolve(name.replaceAll("\\.xz$", ""));
        sh((name.endsWith(".xz") ? "xz -dc " : "cat ") + f + " > " + plain);
        if (!plain.getFileName().toString().endsWith(".index")) {
          sh(compressor + " " + plain + " > " + plain + "." + suffix + " && rm " + plain);
        }
      }
    }
    Path base = copy.resolve("ok-mv-bigbin");
    Archive archive = Archive.open(base);
    assertEquals(10, archive.volumeNumbers().size());
    assertTrue(archive.volumeFile(0).toString().endsWith("." + suffix));
    // libpcp 6.0.3 predates zstd support: there the plain original is libpcp's reading.
    LibpcpDifferentialTest.compare(base, source);
  }

  private static void sh(String command) throws Exception {
    PcpTools.Result r = PcpTools.run(120, "sh", "-c", command);
    assertEquals(0, r.exitCode(), command + ": " + r.output());
  }

  @Test
  void pmloggerRootHoldsOneSetPerHostInTimeOrder() throws Exception {
    Path root = dir.resolve("pmlogger");
    Path corpus = PcpTools.corpus();
    copy(corpus, "20041125", root.resolve("mortenb"));
    copy(corpus, "arch_a", root.resolve("other"));
    copy(corpus, "arch_b", root.resolve("other"));
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(List.of(root));
    assertTrue(discovery.failures().isEmpty(), discovery.failures().toString());
    List<ArchiveSet> sets = discovery.sets();
    assertEquals(2, sets.size());
    for (ArchiveSet set : sets) {
      long previous = Long.MIN_VALUE;
      for (Archive a : set.archives()) {
        assertEquals(set.hostname(), a.hostname());
        assertTrue(a.startNanos() >= previous, "archives in start-time order");
        previous = a.startNanos();
      }
    }
    assertEquals(3, sets.stream().mapToInt(s -> s.archives().size()).sum());
  }

  @Test
  void namedFilesAndListsFindTheirArchives() throws Exception {
    Path corpus = PcpTools.corpus();
    ArchiveDiscovery byFile = ArchiveDiscovery.discover(List.of(
        corpus.resolve("20180416.10.00.2.xz"), corpus.resolve("20041125.meta"),
        corpus.resolve("20041125")));
    assertTrue(byFile.failures().isEmpty(), byFile.failures().toString());
    assertEquals(2, byFile.sets().stream().mapToInt(s -> s.archives().size()).sum());

    ArchiveDiscovery missing = ArchiveDiscovery.discover(List.of(dir.resolve("nothing")));
    assertEquals(1, missing.failures().size());
    assertTrue(missing.sets().isEmpty());
  }

  private static void copy(Path corpus, String base, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(corpus)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith(base + ".")
            && ArchiveFiles.baseOf(f).equals(corpus.resolve(base))) {
          Files.copy(f, to.resolve(f.getFileName()));
        }
      }
    }
  }
}
