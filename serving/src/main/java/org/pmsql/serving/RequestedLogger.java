package org.pmsql.serving;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A pmlogger of the server's own for one host, logging what requests ask for. It starts with
 * nothing to log ({@code -L} keeps it alive) and is told what to log, and how often, through
 * pmlc; it writes a new archive in the host's directory under the server's log directory, which
 * the server serves, so what it logs shows up in {@code <host>.live} and {@code <host>.metrics}.
 */
final class RequestedLogger implements AutoCloseable {
  private static final DateTimeFormatter ARCHIVE_NAME =
      DateTimeFormatter.ofPattern("'requested-'yyyyMMdd.HH.mm.ss");

  private final String host;
  private final Process process;
  private final Path archive;
  /** Metric name to the interval pmlogger was told, in milliseconds. */
  private final Map<String, Integer> logging = new HashMap<>();

  private RequestedLogger(String host, Process process, Path archive) {
    this.host = host;
    this.process = process;
    this.archive = archive;
  }

  static RequestedLogger start(String host, Path directory) throws IOException {
    Files.createDirectories(directory);
    Path archive = directory.resolve(ZonedDateTime.now(ZoneOffset.UTC).format(ARCHIVE_NAME));
    Path config = directory.resolve(archive.getFileName() + ".config");
    Files.writeString(config, "# metrics are added by pmsql serve through pmlc\n");
    Process process = new ProcessBuilder(PcpCommand.tool("pmlogger").toString(), "-L",
        "-h", host, "-c", config.toString(),
        "-l", directory.resolve(archive.getFileName() + ".log").toString(), archive.toString())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve(archive.getFileName() + ".out").toFile())
        .start();
    RequestedLogger logger = new RequestedLogger(host, process, archive);
    logger.awaitControl();
    return logger;
  }

  /** pmlogger takes pmlc connections once its archive is created and its sockets listen. */
  private void awaitControl() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("pmlogger for host " + host + " failed: " + log());
      }
      PcpCommand.Result status = pmlc("status\n");
      if (status.stdout().contains("Connected to pmlogger")) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    close();
    throw new IOException("pmlogger for host " + host + " did not take pmlc commands in 15 s: "
        + log());
  }

  /** Makes pmlogger log exactly {@code wanted} (metric to interval in ms). */
  void log(Map<String, Integer> wanted) throws IOException {
    StringBuilder script = new StringBuilder();
    wanted.forEach((metric, interval) -> {
      if (!interval.equals(logging.get(metric))) {
        script.append("log mandatory on ").append(interval).append(" msec ").append(metric)
            .append('\n');
      }
    });
    for (String metric : logging.keySet()) {
      if (!wanted.containsKey(metric)) {
        script.append("log mandatory off ").append(metric).append('\n');
      }
    }
    if (script.isEmpty()) {
      return;
    }
    PcpCommand.Result result = pmlc(script.toString());
    // pmlc exits 0 whatever happened; its complaints are on stderr
    if (!result.stdout().contains("Connected to pmlogger") || !result.stderr().isBlank()) {
      throw new IOException("pmlc could not change what pmlogger " + process.pid() + " logs: "
          + String.join(" ", (result.stdout() + result.stderr()).strip().split("\\s+")));
    }
    logging.clear();
    logging.putAll(wanted);
  }

  private PcpCommand.Result pmlc(String script) throws IOException {
    return PcpCommand.run(15, script, List.of("pmlc", Long.toString(process.pid())));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path archive() {
    return archive;
  }

  private String log() {
    try {
      Path log = archive.resolveSibling(archive.getFileName() + ".log");
      return Files.exists(log) ? String.join(" ", Files.readString(log).strip().split("\\s+"))
          : "(no log)";
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM: pmlogger writes its epilogue and closes the archive cleanly. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
