package org.pmsql.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.cli.CliRun;

/**
 * {@code pmsql find} over two servers with different hosts, one port nobody listens on and one
 * that takes the connection and never answers: both hosts are listed with their server, the
 * two others are named in warnings, and the whole takes about the timeout.
 */
class FindCommandTest {
  @Test
  void listsEachServersHostsAndNamesTheOnesThatDoNotAnswer() throws Exception {
    String sample = PcpTools.repositoryRoot().resolve("samples/sample-host").toString();
    String corpus = PcpTools.corpus().resolve("20180102").toString();
    int dead;
    try (ServerSocket free = new ServerSocket(0)) {
      dead = free.getLocalPort();
    }
    try (PcpServer one = PcpServer.start(PcpServer.Settings.loopback(sample, 0));
        PcpServer two = PcpServer.start(PcpServer.Settings.loopback(corpus, 0));
        ServerSocket silent = new ServerSocket(0)) {
      String a = "http://127.0.0.1:" + one.port();
      String b = "http://127.0.0.1:" + two.port();
      String c = "http://127.0.0.1:" + dead;
      String d = "http://127.0.0.1:" + silent.getLocalPort();
      long started = System.nanoTime();
      CliRun run = CliRun.pmsql("find", "--timeout", "2", "--servers",
          String.join(",", List.of(a, b, c, d)));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      assertEquals(0, run.exitCode(), run.err());
      List<String> lines = run.out().lines().toList();
      assertTrue(lines.get(0).startsWith("server"), run.out());
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(a) && l.contains("| vm ")), run.out());
      assertTrue(lines.stream().anyMatch(l -> l.startsWith(b) && l.contains("| bozo ")),
          run.out());
      assertEquals(3, lines.size(), run.out());
      assertTrue(run.err().contains("warning: " + c + ": "), run.err());
      assertTrue(run.err().contains("warning: " + d + ": "), run.err());
      assertTrue(seconds < 15, "took " + seconds + " s");

      CliRun one_host = CliRun.pmsql("find", "--host", "bozo", "--servers", a + "," + b);
      assertEquals(2, one_host.out().lines().count(), one_host.out());
    }
  }
}
