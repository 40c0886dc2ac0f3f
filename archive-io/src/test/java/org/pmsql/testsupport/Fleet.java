package org.pmsql.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A pmlogger root of many hosts and daily archives, made by pmlogrewrite from one corpus
 * archive (a day of host app1, 2007-03-08 13:10 to 03-09 13:10): host {@code fleetNNN},
 * day {@code d} shifted by d days, laid out as pmlogger_daily leaves them
 * ({@code <root>/<host>/YYYYMMDD.HH.MM.*}).
 */
public final class Fleet {
  /** The day the copies are made from. */
  public static final String SOURCE = "conn20070309";
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("yyyyMMdd.HH.mm").withZone(ZoneOffset.UTC);
  /** The source archive's label time, 2007-03-08 13:10:47 UTC (pmdumplog -L, TZ=UTC). */
  private static final Instant SOURCE_START = Instant.parse("2007-03-08T13:10:47Z");

  private Fleet() {}

  public static String host(int h) {
    return String.format("fleet%03d", h);
  }

  /** Writes hosts x days archives under root; returns their base paths, host by host. */
  public static List<Path> build(Path root, int hosts, int days) throws Exception {
    Path source = PcpTools.corpus().resolve(SOURCE);
    List<Path> bases = new ArrayList<>();
    for (int h = 0; h < hosts; h++) {
      Path dir = Files.createDirectories(root.resolve(host(h)));
      for (int d = 0; d < days; d++) {
        Path config = dir.resolve("rewrite-" + d + ".conf");
        Files.writeString(config, "global {\n  hostname -> " + host(h) + "\n  time -> +"
            + (24 * d) + ":00:00\n}\n");
        Path base = dir.resolve(NAME.format(SOURCE_START.plusSeconds(86_400L * d)));
        PcpTools.Result r = PcpTools.run(120, PcpTools.tool("pmlogrewrite").toString(), "-c",
            config.toString(), source.toString(), base.toString());
        assertEquals(0, r.exitCode(), "pmlogrewrite: " + r.output());
        Files.delete(config);
        bases.add(base);
      }
    }
    return bases;
  }
}
