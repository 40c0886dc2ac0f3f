package org.pmsql.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSources;
import org.pmsql.testsupport.PcpTools;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;


/**
 * A seeded mutator over real QA archives: thousands of damaged copies (flipped bytes, hostile
 * length and count words, truncations) must each be read to the end or stopped by an
 * {@link ArchiveFormatException} naming a file and offset, quickly, within the test heap
 * (-Xmx512m), never with any other exception. A failing case prints its seed to replay it.
 */
class HostileArchiveFuzzTest {
  private static final int CASES = Integer.getInteger("pmsql.fuzz.cases", 4000);
  private static final long SEED = Long.getLong("pmsql.fuzz.seed", 20261125L);
  private static final long MAX_CASE_MILLIS = 10_000;
  private static final int[] HOSTILE_WORDS = {
    0, -1, 1, 4, 7, 8, 12, 20, 0x7fffffff, 0x80000000, 0x40000000, 0xffff, 0x10000, 132, 808
  };

  @TempDir Path scratch;

  @Test
  void damagedArchivesFailCleanly() throws Exception {
    List<Path> seeds = smallCorpusArchives();
    assertTrue(seeds.size() >= 20, "too few corpus archives to fuzz: " + seeds);
    int typedErrors = 0;
    for (int k = 0; k < CASES; k++) {
      long seed = SEED + k;
      Random random = new Random(seed);
      Path source = seeds.get(random.nextInt(seeds.size()));
      Path dir = Files.createDirectories(scratch.resolve("case"));
      Path base = copyArchive(source, dir);
      String mutation = mutate(random, dir);
      long start = System.nanoTime();
      try {
        readEverything(base, random);
      } catch (ArchiveFormatException e) {
        typedErrors++;
        assertNotNull(e.file(), "error without a file name");
        assertTrue(e.offset() >= 0, "negative offset in " + e.getMessage());
      } catch (IOException e) {
        // A file the mutation made unreadable (e.g. gone) is an ordinary I/O error.
        typedErrors++;
      } catch (RuntimeException | Error e) {
        fail("seed " + seed + " (" + source.getFileName() + ", " + mutation + "): "
            + e.getClass().getName() + ": " + e.getMessage(), e);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      if (millis > MAX_CASE_MILLIS) {
        fail("seed " + seed + " (" + mutation + ") took " + millis + " ms");
      }
      deleteTree(dir);
    }
    System.out.printf("fuzz: %d damaged archives, %d stopped with a typed error%n", CASES,
        typedErrors);
    assertTrue(typedErrors > CASES / 10, "mutations should damage many archives");
  }

  private static void readEverything(Path base, Random random) throws IOException {
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(List.of(base));
    if (!discovery.failures().isEmpty()) {
      throw discovery.failures().get(0);
    }
    ArchiveSet set = discovery.sets().get(0);
    CanonicalDump.write(set, line -> { });
    try (ArchiveCursor cursor = set.cursor()) {
      long start = set.startNanos();
      cursor.seek(start + (long) (random.nextDouble() * 3_600_000_000_000L));
      for (int i = 0; i < 50 && cursor.previous(); i++) {
        cursor.timestampNanos();
      }
    }
  }

  private static String mutate(Random random, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.sorted().toList();
    }
    Path victim = files.get(random.nextInt(files.size()));
    byte[] bytes = Files.readAllBytes(victim);
    if (bytes.length == 0) {
      return "empty " + victim.getFileName();
    }
    String what;
    switch (random.nextInt(4)) {
      case 0: {
        int n = 1 + random.nextInt(8);
        for (int i = 0; i < n; i++) {
          bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
        }
        what = n + " bit flips";
        break;
      }
      case 1: {
        int at = random.nextInt(Math.max(1, bytes.length - 4)) & ~3;
        int word = HOSTILE_WORDS[random.nextInt(HOSTILE_WORDS.length)];
        for (int i = 0; i < 4 && at + i < bytes.length; i++) {
          bytes[at + i] = (byte) (word >>> (24 - 8 * i));
        }
        what = String.format("word 0x%08x at %d", word, at);
        break;
      }
      case 2: {
        int keep = random.nextInt(bytes.length);
        bytes = Arrays.copyOf(bytes, keep);
        what = "truncated to " + keep;
        break;
      }
      default: {
        int at = random.nextInt(bytes.length);
        int n = Math.min(bytes.length - at, 1 + random.nextInt(64));
        Arrays.fill(bytes, at, at + n, (byte) random.nextInt(256));
        what = n + " bytes overwritten at " + at;
      }
    }
    Files.write(victim, bytes);
    return what + " in " + victim.getFileName();
  }

  /** Uncompressed corpus archives under 256 KB: small enough for thousands of cases. */
  private static List<Path> smallCorpusArchives() throws IOException {
    List<Path> small = new ArrayList<>();
    for (Path base : PcpTools.archivesIn(PcpTools.corpus())) {
      List<Path> files = filesOf(base);
      long size = 0;
      boolean compressed = false;
      for (Path f : files) {
        size += Files.size(f);
        compressed |= !ByteSources.compressionSuffix(f.toString()).isEmpty();
      }
      if (!compressed && size < 256 * 1024 && files.size() >= 3) {
        small.add(base);
      }
    }
    return small;
  }

  private static List<Path> filesOf(Path base) throws IOException {
    String prefix = base.getFileName() + ".";
    try (Stream<Path> s = Files.list(base.getParent())) {
      return s.filter(f -> f.getFileName().toString().startsWith(prefix)
          && ArchiveFiles.baseOf(f).equals(base)).toList();
    }
  }

  private static Path copyArchive(Path base, Path dir) throws IOException {
    for (Path f : filesOf(base)) {
      Files.copy(f, dir.resolve(f.getFileName()));
    }
    return dir.resolve(base.getFileName());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }
}
