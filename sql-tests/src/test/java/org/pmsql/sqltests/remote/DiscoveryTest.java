package org.pmsql.sqltests.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.ServeProcess;

/**
 * DNS-SD end to end: two {@code ./pmsql serve --advertise} processes, each with a host of its
 * own, found by {@code ./pmsql find --discover} and read as one by {@code ./pmsql query
 * --discover} (jdbc:pcp:discover=true), with answers equal to local jdbc:pcp: over both
 * archives. Multicast DNS runs in a network namespace made for the test, on its loopback
 * interface with multicast turned on, so no packet leaves the machine; where namespaces
 * cannot be made (not root), the test says so and is skipped.
 */
class DiscoveryTest {
  @TempDir Path dir;

  @Test
  void serversAdvertisedInDnsSdAreFoundAndQueriedAsOne() throws Exception {
    String namespace = "pmsql-mdns-" + ProcessHandle.current().pid();
    PcpTools.Result made = PcpTools.run(30, "bash", "-c", "ip netns add " + namespace
        + " && ip netns exec " + namespace + " ip link set lo up multicast on");
    Assumptions.assumeTrue(made.exitCode() == 0, "DNS-SD test skipped: cannot make a network"
        + " namespace with multicast on its loopback (needs root and iproute2): "
        + made.output().strip());
    String in = "ip netns exec " + namespace;
    String discover = " --discover --discover-address 127.0.0.1 --discover-timeout 5";
    try {
      Path bozo = PcpTools.corpus().resolve("20180102");
      Path other = PcpTools.corpus().resolve("20041125");
      try (ServeProcess first = ServeProcess.start(in, "", "--archives " + bozo
              + " --advertise", dir.resolve("first.out"));
          ServeProcess second = ServeProcess.start(in, "", "--archives " + other
              + " --advertise --advertise-address 127.0.0.1", dir.resolve("second.out"));
          Connection local = Sql.connect(bozo, other)) {
        assertTrue(first.banner().contains("advertised in DNS-SD on 127.0.0.1"),
            first.banner());
        String firstUrl = "http://127.0.0.1:" + first.port();
        String secondUrl = "http://127.0.0.1:" + second.port();

        PcpTools.Result found = Sql.pmsql(in, "find" + discover);
        assertEquals(0, found.exitCode(), found.output());
        String otherHost = Sql.host(other);
        assertTrue(found.output().lines().anyMatch(l -> l.startsWith(firstUrl)
            && l.contains("| bozo ")), found.output());
        assertTrue(found.output().lines().anyMatch(l -> l.startsWith(secondUrl)
            && l.contains("| " + otherHost + " ")), found.output());

        PcpTools.Result hosts = Sql.pmsql(in, "query" + discover + " --format csv"
            + " \"SELECT host, server FROM pcp.hosts ORDER BY host\"");
        assertEquals(0, hosts.exitCode(), hosts.output());
        assertEquals(List.of("host,server", "bozo," + firstUrl, otherHost + "," + secondUrl),
            hosts.output().lines().filter(l -> !l.startsWith("SLF4J")).toList());

        String sql = "SELECT host, count(*) AS n, count(DISTINCT metric) AS metrics"
            + " FROM pcp_all.metrics GROUP BY host ORDER BY host";
        PcpTools.Result counted = Sql.pmsql(in, "query" + discover + " --format csv \"" + sql
            + "\"");
        assertEquals(0, counted.exitCode(), counted.output());
        List<String> want = Sql.rows(local, sql).stream()
            .map(row -> Arrays.stream(row).map(String::valueOf).collect(Collectors.joining(",")))
            .toList();
        assertEquals(want, counted.output().lines().skip(1)
            .filter(l -> !l.startsWith("SLF4J")).toList());
      }
      // a server that stopped withdrew its advertisement: nothing answers now
      PcpTools.Result gone = Sql.pmsql(in, "find" + discover);
      assertEquals(1, gone.exitCode(), gone.output());
      assertTrue(gone.output().contains("none answered the DNS-SD browse"), gone.output());
    } finally {
      PcpTools.run(30, "ip", "netns", "del", namespace);
    }
  }
}
