package org.pmsql.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.archive.PcpTools;

/** {@code ./pmsql serve} as a user starts it, answered over the Avatica remote protocol. */
class ServeCommandTest {
  @Test
  void servesTheSampleToRemoteJdbc() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Process server = new ProcessBuilder("bash", "-c", "exec ./pmsql serve --archives "
        + Sql.sample() + " --port " + port)
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
      }
    } finally {
      server.destroy();
      server.waitFor();
    }
  }
}
