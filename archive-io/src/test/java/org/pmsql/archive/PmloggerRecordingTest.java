package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives a real pmlogger writes during the test (from the pmcd that ./run-tests starts), in
 * both formats and across volume switches, read here and by libpcp; then two loggers in a row
 * in one directory, read as one multi-archive history with the mark libpcp puts between them.
 */
class PmloggerRecordingTest {
  static final String CONFIG = String.join("\n",
      "log mandatory on every 1 second {",
      "  kernel.all.load", "  kernel.all.cpu.user", "  kernel.percpu.cpu.idle",
      "  mem.util.free", "  disk.dev.read", "  network.interface.in.bytes",
      "  hinv.ncpu", "  kernel.uname.release", "}", "");

  @TempDir Path dir;

  /** Records {@code samples} one-second samples, switching volume every two. */
  static Path record(Path dir, String name, int version, int samples) throws Exception {
    Path config = dir.resolve("config");
    Files.writeString(config, CONFIG);
    Path base = dir.resolve(name);
    PcpTools.Result r = PcpTools.run(60, PcpTools.tool("pmlogger").toString(),
        "-V", Integer.toString(version), "-c", config.toString(), "-s", Integer.toString(samples),
        "-v", "2", "-l", dir.resolve(name + ".log").toString(), base.toString());
    assertEquals(0, r.exitCode(), "pmlogger failed (is pmcd running? ./run-tests starts it): "
        + r.output() + readLog(dir.resolve(name + ".log")));
    return base;
  }

  private static String readLog(Path log) throws Exception {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @ParameterizedTest(name = "pmlogger -V {0}")
  @ValueSource(ints = {2, 3})
  void freshArchiveAgreesWithLibpcp(int version) throws Exception {
    Path base = record(dir, "fresh", version, 7);
    Archive archive = Archive.open(base);
    assertEquals(version, archive.version());
    assertTrue(archive.volumeNumbers().size() >= 3, "pmlogger -v 2 switched volumes: "
        + archive.volumeNumbers());
    LibpcpDifferentialTest.compare(base);
  }

  @ParameterizedTest(name = "two pmlogger runs, -V {0}")
  @ValueSource(ints = {2, 3})
  void restartedLoggerReadsAsOneHistoryWithAMark(int version) throws Exception {
    record(dir, "first", version, 3);
    Thread.sleep(1100);
    record(dir, "second", version, 3);
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(List.of(dir));
    assertTrue(discovery.failures().isEmpty(), discovery.failures().toString());
    assertEquals(1, discovery.sets().size(), "one host");
    assertEquals(2, discovery.sets().get(0).archives().size());
    LibpcpDifferentialTest.compare(dir);
  }
}
