package org.pmsql.sqltests.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.Archive;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.Fleet;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * A pmlogger root of 3 hosts x 4 daily archives (pmlogrewrite): a first {@code ./pmsql query}
 * process builds the catalog; a connection in another process then answers pcp.hosts from the
 * catalog without reading any archive's metadata, and a one-host, one-hour query reads one
 * archive and counts what libpcp counts in that hour.
 */
class FleetCatalogTest {
  private static final DateTimeFormatter SQL_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void aOneHostOneHourQueryReadsOneArchive() throws Exception {
    Path root = dir.resolve("root");
    List<Path> bases = Fleet.build(root, 3, 4);
    Path catalog = dir.resolve("catalog");
    PcpTools.Result cold = Sql.pmsql("", "query --archives " + root + " --catalog " + catalog
        + " --format csv \"SELECT host, archive_count FROM pcp.hosts ORDER BY host\"");
    assertEquals(0, cold.exitCode(), cold.output());
    assertEquals(List.of("host,archive_count", Fleet.host(0) + ",4", Fleet.host(1) + ",4",
        Fleet.host(2) + ",4"), cold.output().lines().toList());

    // this JVM has opened none of these archives: it sees them as the catalog describes them
    try (Connection c = DriverManager.getConnection("jdbc:pcp:archives=" + root + ";catalog="
        + catalog)) {
      assertEquals("[" + catalog + ", in use, 12, 12, 0]", Arrays.toString(Sql.rows(c,
          "SELECT directory, state, archives, from_catalog, metadata_read FROM pcp.catalog")
          .get(0)));
      for (int h = 0; h < 3; h++) {
        Archive first = Archive.open(bases.get(h * 4));
        Archive last = Archive.open(bases.get(h * 4 + 3));
        Object[] row = Sql.rows(c, "SELECT first_ts, last_ts FROM pcp.hosts WHERE host = '"
            + Fleet.host(h) + "'").get(0);
        assertEquals(first.startNanos() / 1_000_000, ((Timestamp) row[0]).getTime());
        assertEquals(last.endNanos() / 1_000_000, ((Timestamp) row[1]).getTime());
      }
      assertEquals(0, metadataRead(c), "pcp.hosts answers from the catalog");

      Path day = bases.get(4 + 2); // fleet001, third day
      long from = Archive.open(day).startNanos() + 2 * 3_600_000_000_000L;
      long to = from + 3_600_000_000_000L;
      Map<String, Long> libpcp = new TreeMap<>();
      Map<String, LibpcpTotals> fromStart = LibpcpTotals.of(day, from);
      Map<String, LibpcpTotals> fromEnd = LibpcpTotals.of(day, to);
      fromStart.forEach((metric, totals) -> {
        long n = totals.count - (fromEnd.containsKey(metric) ? fromEnd.get(metric).count : 0);
        if (n > 0) {
          libpcp.put(metric, n);
        }
      });
      assertTrue(libpcp.values().stream().mapToLong(Long::longValue).sum() > 100,
          libpcp.toString());
      Map<String, Long> sql = new TreeMap<>();
      for (Object[] row : Sql.rows(c, "SELECT metric, count(*) FROM " + Fleet.host(1)
          + ".metrics WHERE ts_ns >= " + from + " AND ts_ns < " + to + " AND ts >= TIMESTAMP '"
          + SQL_TIME.format(Instant.ofEpochMilli(from / 1_000_000)) + "' AND ts < TIMESTAMP '"
          + SQL_TIME.format(Instant.ofEpochMilli(to / 1_000_000 + 1)) + "' GROUP BY metric")) {
        sql.put((String) row[0], ((Number) row[1]).longValue());
      }
      assertEquals(libpcp, sql, "one hour of " + Fleet.host(1));
      assertEquals(1, metadataRead(c), "the hour's archive is the only one read");
    }
  }

  private static long metadataRead(Connection c) throws Exception {
    return ((Number) Sql.rows(c, "SELECT metadata_read FROM pcp.catalog").get(0)[0])
        .longValue();
  }
}
