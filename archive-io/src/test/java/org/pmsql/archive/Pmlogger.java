package org.pmsql.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
