package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.testsupport.PcpTools;

/**
 * Seeking through the temporal index lands on the first record at or after the wanted time
 * while reading only a short stretch; reading backwards gives the forward order reversed.
 */
class SeekAndReverseTest {
  @ParameterizedTest
  @ValueSource(strings = {"20180416.10.00", "20041125", "omnibus_v3", "pmiostat_mark",
      "20180102", "dm-io"})
  void seekAndReverseAgreeWithAForwardScan(String name) throws Exception {
    ArchiveSet set = LibpcpDifferentialTest.openSet(PcpTools.corpus().resolve(name));
    List<Long> forward = new ArrayList<>();
    long fullScan;
    try (ArchiveCursor cursor = set.cursor()) {
      while (cursor.next()) {
        forward.add(cursor.timestampNanos());
      }
      fullScan = cursor.recordsRead();
    }
    assertTrue(forward.size() > 10, name + " has records");

    List<Long> backward = new ArrayList<>();
    try (ArchiveCursor cursor = set.cursor()) {
      cursor.seekToEnd();
      while (cursor.previous()) {
        backward.add(cursor.timestampNanos());
      }
    }
    Collections.reverse(backward);
    assertEquals(forward, backward, "backwards is forwards reversed");

    Random random = new Random(name.hashCode());
    long first = forward.get(0);
    long last = forward.get(forward.size() - 1);
    long worstSeek = 0;
    for (int k = 0; k < 200; k++) {
      long target = first + (long) (random.nextDouble() * (last - first + 2_000_000_000L))
          - 1_000_000_000L;
      int expected = firstAtOrAfter(forward, target);
      try (ArchiveCursor cursor = set.cursor()) {
        cursor.seek(target);
        long cost = cursor.recordsRead();
        worstSeek = Math.max(worstSeek, cost);
        if (expected < forward.size()) {
          assertTrue(cursor.next(), "a record after " + target);
          assertEquals(forward.get(expected), cursor.timestampNanos(), "seek " + target);
          if (expected > 0) {
            assertTrue(cursor.previous());
            assertTrue(cursor.previous());
            assertEquals(forward.get(expected - 1), cursor.timestampNanos(), "before " + target);
          }
        } else {
          assertFalse(cursor.next(), "nothing after the end");
        }
      }
    }
    if (set.archives().get(0).index() != null && fullScan > 1000) {
      assertTrue(worstSeek < fullScan / 10,
          name + ": a seek read " + worstSeek + " of " + fullScan + " records");
    }
    System.out.printf("seek %s: worst seek read %d of %d records%n", name, worstSeek, fullScan);
  }

  private static int firstAtOrAfter(List<Long> times, long target) {
    for (int i = 0; i < times.size(); i++) {
      if (times.get(i) >= target) {
        return i;
      }
    }
    return times.size();
  }
}
