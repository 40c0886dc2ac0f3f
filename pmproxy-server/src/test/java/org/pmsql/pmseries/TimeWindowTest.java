package org.pmsql.pmseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimeWindowTest {
  private static final long NOW = 1_700_000_000_000_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private static TimeSpec spec(String start, String finish, String interval, String samples) {
    return new TimeSpec(start, finish, interval, null, samples, null, null, null);
  }

  @Test
  void readsTimesAsPmproxyDoes() throws QueryException {
    assertEquals(1514812211_600_000_000L,
        TimeWindow.of(spec("1514812211.6", null, null, null), NOW).startNanos());
    assertEquals(NOW - 3600 * SECOND,
        TimeWindow.of(spec("-1 hour", null, null, null), NOW).startNanos());
    assertEquals(NOW - 2 * 86400 * SECOND,
        TimeWindow.of(spec("2 days ago", null, null, null), NOW).startNanos());
    assertEquals(NOW, TimeWindow.of(spec(null, "now", null, null), NOW).finishNanos());
    assertEquals(1514764800L * SECOND,
        TimeWindow.of(spec("2018-01-01", null, null, null), NOW).startNanos());
    assertEquals(1514808000L * SECOND, TimeWindow.of(new TimeSpec("2018-01-01 13:00:00", null,
        null, null, null, null, null, "+01:00"), NOW).startNanos());
    assertEquals(90 * SECOND, TimeWindow.of(spec("0", null, "1min 30sec", null), NOW)
        .intervalNanos());
    assertEquals(300 * SECOND, TimeWindow.of(spec("0", null, "300", null), NOW)
        .intervalNanos());
    assertEquals(250_000_000L, TimeWindow.of(spec("0", null, "250msec", null), NOW)
        .intervalNanos());
  }

  @Test
  void samplesAloneAreTheNewestAndNothingIsTheLatest() throws QueryException {
    TimeWindow newest = TimeWindow.of(spec(null, null, null, "5"), NOW);
    assertTrue(newest.newestFirst());
    assertEquals(5, newest.samples());
    assertEquals(1, TimeWindow.of(TimeSpec.NONE, NOW).samples());
    TimeWindow ranged = TimeWindow.of(spec("0", null, null, "5"), NOW);
    assertFalse(ranged.newestFirst());
    assertEquals(5, ranged.samples());
  }

  @Test
  void refusesBadTimesCountsAndUnits() {
    for (TimeSpec bad : List.of(spec("yesterday-ish", null, null, null),
        spec(null, null, "5 fortnights", null), spec(null, null, "0", null),
        spec(null, null, null, "many"), spec(null, null, null, "-1"),
        spec(null, null, null, "99999999999"), spec("20", "10", null, null),
        spec("1e400", null, null, null), new TimeSpec(null, null, null, null, null, null, null,
            "Mars/Olympus"))) {
      QueryException e = assertThrows(QueryException.class, () -> TimeWindow.of(bad, NOW),
          bad.toString());
      assertTrue(e.getMessage().length() > 10, e.getMessage());
    }
  }

  /** pmproxy's answer for kernel.all.load of 20180102 at interval=300 (checked by curl). */
  @Test
  void keepsTheLastTimeAtOrBeforeEachGoalAndTheLast() throws QueryException {
    List<Long> times = new ArrayList<>();
    for (long t = 1514812211L; t <= 1514813891L; t += 60) {
      times.add(t * SECOND + 588_000_000L);
    }
    TimeWindow window = TimeWindow.of(spec("1514812211", null, "300", null), NOW);
    Sampler sampler = new Sampler(window, true);
    List<Long> kept = new ArrayList<>();
    for (int i = 0; i < times.size(); i++) {
      if (i == times.size() - 1 || sampler.keeps(times.get(i), times.get(i + 1))) {
        kept.add(times.get(i) / SECOND - 1514812000L);
      }
    }
    assertEquals(List.of(211L, 451L, 751L, 1051L, 1351L, 1651L, 1891L), kept);
  }
}
