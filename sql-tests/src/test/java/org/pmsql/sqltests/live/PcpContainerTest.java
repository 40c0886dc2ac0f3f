package org.pmsql.sqltests.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveFiles;
import org.pmsql.server.PcpServer;
import org.pmsql.serving.Limits;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.LibpcpTotals;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The remote scenario against a PCP container instead of this machine's pmcd (opt-in:
 * {@code -Dpmsql.docker=true}, or PMSQL_DOCKER=1): a client asks pmsql serve to log a metric of
 * the container's host, the server's pmlogger logs it from the container's pmcd, and the client
 * reads it back remotely with libpcp's count. Without Docker the same scenario runs against the
 * local pmcd in {@link LogRequestsTest}.
 */
class PcpContainerTest {
  private static final String IMAGE = "quay.io/performancecopilot/pcp:latest";
  private static final String METRIC = "kernel.all.load";

  @TempDir Path dir;

  @Test
  void logRequestAgainstAPcpContainer() throws Exception {
    if (!Boolean.getBoolean("pmsql.docker") && !"1".equals(System.getenv("PMSQL_DOCKER"))) {
      skip("opt-in: run with -Dpmsql.docker=true (or PMSQL_DOCKER=1) where a Docker engine"
          + " runs; LogRequestsTest covers the same scenario against the local pmcd");
    }
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      skip("no Docker engine is reachable here (DOCKER_HOST, /var/run/docker.sock);"
          + " LogRequestsTest covers the same scenario without Docker");
    }
    try (GenericContainer<?> pcp = new GenericContainer<>(IMAGE).withExposedPorts(44321)
        .waitingFor(Wait.forListeningPort())) {
      pcp.start();
      String pmcd = pcp.getHost() + ":" + pcp.getMappedPort(44321);
      Path requested = dir.resolve("requested");
      try (PcpServer server = PcpServer.start(new PcpServer.Settings(
          Files.createDirectories(dir.resolve("history")).toString(), 0, null, false, null,
          Limits.DEFAULT, requested));
          Connection remote = DriverManager.getConnection("jdbc:avatica:remote:url=http://"
              + "127.0.0.1:" + server.port() + ";serialization=protobuf");
          Statement s = remote.createStatement()) {
        assertEquals(1, s.executeUpdate("INSERT INTO pcp.log_requests (host, metric,"
            + " interval_ms, duration_s) VALUES ('" + pmcd + "', '" + METRIC + "', 1000, 4)"));
        Thread.sleep(7000); // logged for 4 s, then the request expired and pmlogger ended
        Path archive;
        try (Stream<Path> files = Files.list(requested.resolve(pmcd))) {
          archive = ArchiveFiles.baseOf(files.filter(f -> f.toString().endsWith(".meta"))
              .findFirst().orElseThrow());
        }
        String host = Archive.open(archive).hostname();
        long libpcp = LibpcpTotals.of(archive).get(METRIC).count;
        assertTrue(libpcp >= 9, "three instances, three or more samples: " + libpcp);
        try (Connection again = DriverManager.getConnection("jdbc:avatica:remote:url=http://"
            + "127.0.0.1:" + server.port() + ";serialization=protobuf")) {
          assertEquals(libpcp, ((Number) Sql.rows(again, "SELECT count(*) FROM \"" + host
              + "\".metrics WHERE metric = '" + METRIC + "'").get(0)[0]).longValue());
        }
      }
    }
  }

  /** Skips, saying why on the console too: surefire's summary only counts skipped tests. */
  private static void skip(String why) {
    System.out.println("PcpContainerTest skipped: " + why);
    Assumptions.abort(why);
  }
}
