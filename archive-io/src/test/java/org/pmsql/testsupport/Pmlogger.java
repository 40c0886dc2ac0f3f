package org.pmsql.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;

/**
 * A real pmlogger, logging from the pmcd that ./run-tests starts, once a second, switching volume
 * every {@code volumeSamples} samples: to record an archive, or to follow one being written.
 */
public final class Pmlogger {
  public static final String CONFIG = String.join("\n",
      "log mandatory on every 1 second {",
      "  kernel.all.load", "  kernel.all.cpu.user", "  kernel.percpu.cpu.idle",
      "  mem.util.free", "  disk.dev.read", "  network.interface.in.bytes",
      "  hinv.ncpu", "  kernel.uname.release", "}", "");

  private Pmlogger() {}

  /** Records {@code samples} one-second samples into {@code dir/name}, switching volume every two. */
  public static Path record(Path dir, String name, int version, int samples) throws Exception {
    Process p = start(dir, name, version, samples, 2);
    if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("pmlogger did not finish " + samples + " samples in 60 s");
    }
    assertEquals(0, p.exitValue(), "pmlogger failed (is pmcd running? ./run-tests starts it): "
        + log(dir, name));
    return dir.resolve(name);
  }

  /** Starts logging {@code samples} samples (0: until stopped) and returns at once. */
  public static Process start(Path dir, String name, int version, int samples, int volumeSamples)
      throws IOException {
    Path config = dir.resolve(name + ".config");
    Files.writeString(config, CONFIG);
    List<String> command = new java.util.ArrayList<>(List.of(
        PcpTools.tool("pmlogger").toString(), "-V", Integer.toString(version),
        "-c", config.toString(), "-v", Integer.toString(volumeSamples),
        "-l", dir.resolve(name + ".log").toString()));
    if (samples > 0) {
      command.addAll(List.of("-s", Integer.toString(samples)));
    }
    command.add(dir.resolve(name).toString());
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".out").toFile()).start();
  }

  /** Waits until the archive at {@code base} holds {@code count} records; its hostname. */
  public static String awaitRecords(Path base, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        Archive archive = Archive.open(base);
        try (var cursor = new ArchiveSet(archive.hostname(), List.of(archive))
            .cursor()) {
          int n = 0;
          while (cursor.next()) {
            n++;
          }
          if (n >= count) {
            return archive.hostname();
          }
        }
      } catch (java.io.IOException notYet) {
        // the logger is still writing its first records
      }
      Thread.sleep(200);
    }
    throw new AssertionError("pmlogger wrote fewer than " + count + " records to " + base);
  }
  /** What pmlogger said, for failure messages. */
  public static String log(Path dir, String name) throws IOException {
    StringBuilder text = new StringBuilder();
    for (String suffix : List.of(".out", ".log")) {
      Path file = dir.resolve(name + suffix);
      if (Files.exists(file)) {
        text.append(Files.readString(file));
      }
    }
    return text.toString();
  }
}
