package org.pmsql.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.PcpTools;

/**
 * {@code ./pmsql serve} as a user starts it, answered over the Avatica remote protocol, and
 * taking a request to log a metric from a loopback client.
 */
class ServeCommandTest {
  @TempDir Path dir;

  @Test
  void servesTheSampleToRemoteJdbc() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Process server = new ProcessBuilder("bash", "-c", "exec ./pmsql serve --archives "
        + Sql.sample() + " --port " + port + " --log-dir " + dir.resolve("requested"))
        .directory(PcpTools.repositoryRoot().toFile()).redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder said = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        said.append(line).append('\n');
        if (line.contains("listening on port " + port)) {
          break;
        }
      }
      assertTrue(said.toString().contains("127.0.0.1 only"), said.toString());
      String sql = "SELECT instance, count(*) AS n, max(val) AS hi FROM vm.\"kernel.all.load\""
          + " GROUP BY instance ORDER BY instance";
      try (Connection remote = DriverManager.getConnection(
              "jdbc:avatica:remote:url=http://127.0.0.1:" + port + ";serialization=protobuf");
          Connection local = Sql.connect(Sql.sample())) {
        List<String> want = Sql.rows(local, sql).stream().map(Arrays::toString).toList();
        assertEquals(3, want.size(), want.toString());
        assertEquals(want, Sql.rows(remote, sql).stream().map(Arrays::toString).toList());
        try (Statement s = remote.createStatement()) {
          assertEquals(1, s.executeUpdate("INSERT INTO pcp.log_requests (host, metric,"
              + " interval_ms, duration_s) VALUES ('localhost', 'kernel.all.load', 1000, 60)"));
        }
        assertEquals("[localhost, kernel.all.load, logging, 1000]", Arrays.toString(Sql.rows(
            remote, "SELECT host, metric, state, logged_every_ms FROM pcp.log_requests").get(0)));
      }
    } finally {
      server.destroy();
      server.waitFor();
      assertEquals(List.of(), PcpTools.run(10, "pgrep", "-f", dir.toString()).output().lines()
          .toList(), "the server's pmlogger ends with it");
    }
  }
}
