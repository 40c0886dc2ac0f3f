package org.pmsql.serving;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.pmsql.archive.source.DaemonThreads;

/**
 * Runs a PCP tool (pminfo, pmlc) with a hard time limit: libpcp's own timeouts cannot be
 * shortened (an unreachable pmcd takes 5 or 10 s whatever PMCD_CONNECT_TIMEOUT says) and pmlc
 * can block for good on a control port that never answers.
 */
final class PcpCommand {
  private static final List<Path> BIN_DIRS = List.of(Path.of("/usr/bin"),
      Path.of("/usr/lib/pcp/bin"), Path.of("/usr/libexec/pcp/bin"), Path.of("/usr/local/bin"));

  /** What a tool printed; pmlc exits 0 even when every command failed, so read stderr. */
  record Result(int exitCode, String stdout, String stderr) {}

  private static final ExecutorService DRAINS = Executors.newCachedThreadPool(
      DaemonThreads.named("pmsql-pcp-output"));

  private PcpCommand() {}

  static Path tool(String name) {
    for (Path dir : BIN_DIRS) {
      Path candidate = dir.resolve(name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException("PCP's " + name + " is not installed (looked in "
        + BIN_DIRS + "); logging requests need the pcp package");
  }

  static Result run(int timeoutSeconds, String stdin, List<String> command) throws IOException {
    List<String> full = new ArrayList<>(command);
    full.set(0, tool(command.get(0)).toString());
    ProcessBuilder builder = new ProcessBuilder(full);
    builder.environment().putAll(Map.of("PMLOGGER_REQUEST_TIMEOUT", "5"));
    Process process = builder.start();
    CompletableFuture<String> out = drain(process.getInputStream());
    CompletableFuture<String> err = drain(process.getErrorStream());
    try (var in = process.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(command.get(0) + " gave no answer in " + timeoutSeconds + " s");
      }
      return new Result(process.exitValue(), out.get(), err.get());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(command.get(0) + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(() -> {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }, DRAINS);
  }
}
