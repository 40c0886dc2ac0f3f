package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmrep;

/**
 * {@code descs.canonical_factor}: val times it is what {@code pmrep -u -r -b byte -y sec}
 * prints (bytes for space, seconds for time), record by record.
 */
class CanonicalUnitsTest {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  @ParameterizedTest
  @ValueSource(strings = {"mem.util.free", "kernel.all.cpu.user", "disk.dev.read_bytes"})
  void valuesInCanonicalUnitsArePmreps(String metric) throws Exception {
    Path archive = PcpTools.corpus().resolve("20180102");
    Map<String, BigDecimal> pmsql = new TreeMap<>();
    try (Connection c = Sql.connect(archive)) {
      for (Object[] row : Sql.rows(c, "SELECT m.ts_ns, m.instance, m.val * d.canonical_factor"
          + " FROM bozo.metrics m JOIN bozo.descs d ON m.metric = d.metric"
          + " WHERE m.metric = '" + metric + "'")) {
        String column = row[1] == null ? metric : metric + "-" + row[1];
        pmsql.put(LocalDateTime.ofInstant(Instant.ofEpochSecond(0, (Long) row[0]),
            ZoneOffset.UTC).format(MICROS) + " " + column,
            new BigDecimal(String.format("%.9f", (Double) row[2])).stripTrailingZeros());
      }
    }
    Map<String, BigDecimal> pmrep = new TreeMap<>();
    Pmrep.cells(archive, List.of("-u", "-r", "-b", "byte", "-y", "sec"), metric)
        .forEach((key, cell) -> pmrep.put(key, new BigDecimal(cell).stripTrailingZeros()));
    assertTrue(pmrep.size() > 100, pmrep.size() + " values");
    assertEquals(pmrep, pmsql);
  }
}
