package org.pmsql.archive.follow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmlogger;
import org.pmsql.archive.format.Label;

/**
 * Follows archives while a real pmlogger writes them (volume switch every two samples, then a
 * restart into a new archive in the same directory) and checks that every record libpcp reads
 * from the finished files afterwards was delivered once, in order, with the mark between the
 * two archives, and that live records arrived soon after they were written.
 */
class LiveFollowTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "pmlogger -V {0}")
  @ValueSource(ints = {2, 3})
  void deliversEveryRecordOnceAcrossVolumesAndARestart(int version) throws Exception {
    Process first = Pmlogger.start(dir, "first", version, 6, 2);
    String host = awaitHost(dir.resolve("first.meta"));
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    List<Long> lagMillis = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean stop = new AtomicBoolean();
    Thread reader = new Thread(() -> follow(host, seen, lagMillis, stop), "follower");
    reader.start();

    assertTrue(first.waitFor(60, TimeUnit.SECONDS), Pmlogger.log(dir, "first"));
    Thread.sleep(1100);
    Process second = Pmlogger.start(dir, "second", version, 5, 2);
    assertTrue(second.waitFor(60, TimeUnit.SECONDS), Pmlogger.log(dir, "second"));

    List<String> libpcp = libpcpRecords(dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (seen.size() < libpcp.size() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    stop.set(true);
    reader.join(10_000);
    assertTrue(!reader.isAlive(), "the follower stops when asked");
    assertEquals(libpcp, new ArrayList<>(seen), "records (time, metric count) as libpcp reads them");
    assertTrue(libpcp.stream().filter(r -> r.endsWith(" 0")).count() >= 1, "a mark between runs");
    assertTrue(lagMillis.size() >= 5, "records read while being written: " + lagMillis);
    // Functional liveness, not a benchmark: a one-second logger must not be seen seconds late.
    assertTrue(Collections.max(lagMillis) < 3000, "lag after writing, ms: " + lagMillis);
  }

  private void follow(String host, List<String> seen, List<Long> lagMillis, AtomicBoolean stop) {
    try (LiveCursor cursor = new LiveCursor(host, List.of(dir), 0, () -> {
      if (stop.get()) {
        throw new IllegalStateException("stopped");
      }
    })) {
      while (cursor.next()) {
        long ts = cursor.timestampNanos();
        int numpmid = cursor.isMark() ? 0 : cursor.record().setCount();
        seen.add(String.format("R %d.%09d %d", Math.floorDiv(ts, 1_000_000_000L),
            Math.floorMod(ts, 1_000_000_000L), numpmid));
        long lag = System.currentTimeMillis() - ts / 1_000_000L;
        if (lag < 10_000 && !cursor.isMark()) {
          lagMillis.add(lag);
        }
      }
    } catch (IllegalStateException stopped) {
      // asked to stop
    } catch (Exception e) {
      seen.add("failed: " + e);
    }
  }

  private static String awaitHost(Path meta) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Label label = Files.exists(meta) ? ArchiveTail.wholeLabel(meta) : null;
      if (label != null) {
        return label.hostname();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("pmlogger wrote no label to " + meta);
  }

  /** The R lines of the oracle's dump: each record's time and metric count, marks as 0. */
  static List<String> libpcpRecords(Path archives) throws Exception {
    Path out = Files.createTempFile("oracle", ".txt");
    try {
      PcpTools.Result r = PcpTools.run(120, out, PcpTools.oracle().toString(), "dump",
          archives.toString());
      assertEquals(0, r.exitCode(), r.output());
      return Files.readAllLines(out).stream().filter(l -> l.startsWith("R ")).toList();
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
