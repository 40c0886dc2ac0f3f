package org.pmsql.testsupport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./pmsql serve} run as a user runs it, on a free loopback port, until closed (for the
 * SQL and client tests; it lives here beside {@link PcpTools}, which both share).
 */
public final class ServeProcess implements AutoCloseable {
  private final Process process;
  private final int port;
  private final String banner;

  private ServeProcess(Process process, int port, String banner) {
    this.process = process;
    this.port = port;
    this.banner = banner;
  }

  /**
   * Starts {@code ./pmsql serve --port P ARGS} and waits for it to listen; what it prints goes
   * to {@code output} (a pipe nobody reads would stop the server once full).
   */
  public static ServeProcess start(String javaOptions, String args, Path output)
      throws IOException, InterruptedException {
    return start("", javaOptions, args, output);
  }

  /** The same, run through {@code prefix} (such as {@code ip netns exec NS}). */
  public static ServeProcess start(String prefix, String javaOptions, String args, Path output)
      throws IOException, InterruptedException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    ProcessBuilder builder = new ProcessBuilder("bash", "-c",
        "exec " + prefix + " ./pmsql serve --port " + port + " " + args)
        .directory(PcpTools.repositoryRoot().toFile()).redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("PMSQL_JAVA_OPTS", javaOptions);
    PcpTools.keepOutOfHome(builder);
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300); // may build the jar
    while (process.isAlive() && System.nanoTime() < deadline) {
      String said = Files.readString(output);
      if (said.contains("listening on port " + port)) {
        return new ServeProcess(process, port, said);
      }
      Thread.sleep(100);
    }
    process.destroyForcibly();
    throw new AssertionError("pmsql serve did not start: " + Files.readString(output));
  }

  public int port() {
    return port;
  }

  /** What the server printed up to listening. */
  public String banner() {
    return banner;
  }

  public String url() {
    return "jdbc:avatica:remote:url=http://127.0.0.1:" + port + ";serialization=protobuf";
  }

  /** SIGTERM, as a service manager stops it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "pmsql serve did not stop on SIGTERM");
  }
}
