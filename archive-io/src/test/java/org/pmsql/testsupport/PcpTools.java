package org.pmsql.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pmsql.archive.ArchiveFiles;
import static org.junit.jupiter.api.Assertions.fail;


/**
 * The real PCP installation the tests use as their oracle. A missing tool fails the test with a
 * message saying how to install it: these tests must never pass by skipping.
 */
public final class PcpTools {
  public static final Path CORPUS = Path.of("/var/lib/pcp/testsuite/archives");
  public static final Path BAD_CORPUS = Path.of("/var/lib/pcp/testsuite/badarchives");
  private static final List<Path> BIN_DIRS =
      List.of(Path.of("/usr/bin"), Path.of("/usr/lib/pcp/bin"), Path.of("/usr/libexec/pcp/bin"));
  private static Path oracle;

  private PcpTools() {}

  /** A PCP command such as pmdumplog or pmlogger. */
  public static Path tool(String name) {
    for (Path dir : BIN_DIRS) {
      Path candidate = dir.resolve(name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return fail("PCP tool '" + name + "' is not installed; ./run-tests installs Debian's pcp"
        + " and pcp-testsuite packages");
  }

  public static Path corpus() {
    if (!Files.isDirectory(CORPUS)) {
      fail("PCP QA archives missing at " + CORPUS + "; ./run-tests installs pcp-testsuite");
    }
    return CORPUS;
  }

  /** Base names of every archive in a directory (one per .meta file), sorted. */
  public static List<Path> archivesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> ArchiveFiles.isMetaFile(f.getFileName().toString()))
          .map(ArchiveFiles::baseOf).sorted().toList();
    }
  }

  /** The libpcp oracle program, compiled from tools/pcp-oracle on first use. */
  public static synchronized Path oracle() throws IOException, InterruptedException {
    if (oracle == null) {
      Path source = repositoryRoot().resolve("tools/pcp-oracle/pcp-oracle.c");
      Path binary = Path.of("target", "pcp-oracle").toAbsolutePath();
      if (!Files.isRegularFile(Path.of("/usr/include/pcp/pmapi.h"))) {
        fail("libpcp headers missing; ./run-tests installs Debian's libpcp3-dev");
      }
      Files.createDirectories(binary.getParent());
      Result r = run(120, "gcc", "-O2", "-o", binary.toString(), source.toString(), "-lpcp");
      if (r.exitCode() != 0) {
        fail("cannot build the libpcp oracle: " + r.output());
      }
      oracle = binary;
    }
    return oracle;
  }

  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("tools/pcp-oracle"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      fail("cannot find the repository root (tools/pcp-oracle) above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  /** A finished command: its exit code and its standard output and error, interleaved. */
  public record Result(int exitCode, String output) {}

  public static Result run(int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    return run(timeoutSeconds, null, command);
  }

  /** Runs a command, its output going to {@code outputFile} when given, failing on a timeout. */
  public static Result run(int timeoutSeconds, Path outputFile, String... command)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Path capture = outputFile != null ? outputFile : Files.createTempFile("pmsql-run", ".out");
    pb.redirectOutput(capture.toFile());
    pb.environment().put("PATH", "/usr/bin:/bin:/usr/lib/pcp/bin:" + System.getenv("PATH"));
    keepOutOfHome(pb);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
    }
    String output =
        outputFile != null ? "" : new String(Files.readAllBytes(capture), StandardCharsets.UTF_8);
    if (outputFile == null) {
      Files.deleteIfExists(capture);
    }
    return new Result(p.exitValue(), output);
  }

  /**
   * The directory tests use as the user's home: a pmsql a test starts keeps its catalog, shell
   * history and requested logs there, never in the home of whoever runs the tests.
   */
  public static Path testHome() {
    return Path.of("target", "home").toAbsolutePath();
  }

  /** Has the processes {@code builder} starts (pmsql among them) use {@link #testHome}. */
  public static void keepOutOfHome(ProcessBuilder builder) {
    String home = testHome().toString();
    builder.environment().put("XDG_CACHE_HOME", home + "/.cache");
    builder.environment().remove("PMSQL_CATALOG");
    String options = builder.environment().getOrDefault("PMSQL_JAVA_OPTS", "");
    builder.environment().put("PMSQL_JAVA_OPTS", ("-Duser.home=" + home + " " + options).strip());
  }

  public static List<String> command(Path tool, Object... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(tool.toString());
    for (Object a : args) {
      cmd.add(a.toString());
    }
    return cmd;
  }
}
