package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.testsupport.Pmlogger;

/**
 * Archives a real pmlogger writes during the test (from the pmcd that ./run-tests starts), in
 * both formats and across volume switches, read here and by libpcp; then two loggers in a row
 * in one directory, read as one multi-archive history with the mark libpcp puts between them.
 */
class PmloggerRecordingTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "pmlogger -V {0}")
  @ValueSource(ints = {2, 3})
  void freshArchiveAgreesWithLibpcp(int version) throws Exception {
    Path base = Pmlogger.record(dir, "fresh", version, 7);
    Archive archive = Archive.open(base);
    assertEquals(version, archive.version());
    assertTrue(archive.volumeNumbers().size() >= 3, "pmlogger -v 2 switched volumes: "
        + archive.volumeNumbers());
    LibpcpDifferentialTest.compare(base);
  }

  @ParameterizedTest(name = "two pmlogger runs, -V {0}")
  @ValueSource(ints = {2, 3})
  void restartedLoggerReadsAsOneHistoryWithAMark(int version) throws Exception {
    Pmlogger.record(dir, "first", version, 3);
    Thread.sleep(1100);
    Pmlogger.record(dir, "second", version, 3);
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(List.of(dir));
    assertTrue(discovery.failures().isEmpty(), discovery.failures().toString());
    assertEquals(1, discovery.sets().size(), "one host");
    assertEquals(2, discovery.sets().get(0).archives().size());
    LibpcpDifferentialTest.compare(dir);
  }
}
