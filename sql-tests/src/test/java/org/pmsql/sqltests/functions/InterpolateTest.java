package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.archive.Archive;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmrep;

/**
 * {@code TABLE(<host>.interpolate(metric, step_seconds [, start, end]))} through JDBC: val equals
 * {@code pmrep -r -t STEP} and rate equals {@code pmrep -t STEP} sample for sample; start and
 * end cut the same grid; bad arguments fail with the reason.
 */
class InterpolateTest {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  @ParameterizedTest(name = "{0} {1} every {2} s")
  @CsvSource({
    "20180102, kernel.all.cpu.user, 10, true",
    "20180102, kernel.all.load, 15, false",
    "20180102, disk.dev.read, 5, true",
    "pmiostat_mark, disk.dev.write_bytes, 1, true",
    "pmiostat_mark, hinv.ncpu, 2, false",
  })
  void valuesAndRatesArePmreps(String name, String metric, double step, boolean counter)
      throws Exception {
    Path archive = PcpTools.corpus().resolve(name);
    String host = Archive.open(archive).hostname();
    Map<String, BigDecimal> values = new TreeMap<>();
    Map<String, BigDecimal> rates = new TreeMap<>();
    try (Connection c = Sql.connect(archive)) {
      for (Object[] row : Sql.rows(c, "SELECT ts_ns, instance, val, rate FROM TABLE(\""
          + host + "\".interpolate('" + metric + "', " + step + "))")) {
        String key = key((Long) row[0], row[1] == null ? metric : metric + "-" + row[1]);
        values.put(key, decimal((Double) row[2]));
        if (row[3] != null) {
          rates.put(key, decimal((Double) row[3]));
        }
      }
    }
    assertEquals(decimals(Pmrep.cells(archive, step, metric, true)), values, "pmrep -r");
    // pmrep prints counters as rates, other metrics as they are
    assertEquals(counter ? decimals(Pmrep.cells(archive, step, metric, false)) : Map.of(),
        rates, "pmrep");
    assertTrue(values.size() > 20, "only " + values.size() + " samples");
  }

  @Test
  void startAndEndCutTheSameGrid() throws Exception {
    Path archive = PcpTools.corpus().resolve("20180102");
    try (Connection c = Sql.connect(archive)) {
      // the archive's grid is 13:10:11.563796 + k * 30 s; the cut one starts 796 us earlier
      List<String> all = rows(c, "SELECT ts, instance, val FROM TABLE(bozo.interpolate("
          + "'kernel.all.load', 30)) WHERE ts >= TIMESTAMP '2018-01-01 13:30:11.563'"
          + " AND ts <= TIMESTAMP '2018-01-01 13:50:11.563'");
      List<String> cut = rows(c, "SELECT ts, instance, val FROM TABLE(bozo.interpolate("
          + "'kernel.all.load', 30, TIMESTAMP '2018-01-01 13:30:11.563',"
          + " TIMESTAMP '2018-01-01 13:50:11.563'))");
      assertEquals(41 * 3, all.size());
      assertEquals(all, cut);
    }
  }

  @Test
  void badArgumentsSayWhatIsWrong() throws Exception {
    try (Connection c = Sql.connect(Sql.sample())) {
      for (String[] call : new String[][] {
          {"'no.such.metric', 10", "has no metric no.such.metric"},
          {"'kernel.all.load', 0", "step_seconds must be above 0"},
          {"'kernel.uname.release', 10", "is not numeric"},
          {"'kernel.all.load', 10, 'yesterday'", "start must be a TIMESTAMP literal"}}) {
        SQLException e = assertThrows(SQLException.class, () -> Sql.rows(c,
            "SELECT * FROM TABLE(vm.interpolate(" + call[0] + "))"));
        assertTrue(e.getMessage().contains(call[1]), e.getMessage());
      }
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    for (Object[] row : Sql.rows(c, sql)) {
      rows.add(row[0] + " " + row[1] + " " + row[2]);
    }
    return rows;
  }

  private static String key(long nanos, String column) {
    return LocalDateTime.ofInstant(Instant.ofEpochSecond(0, nanos), ZoneOffset.UTC)
        .format(MICROS) + " " + column;
  }

  /** As pmrep prints it: nine decimals. */
  private static BigDecimal decimal(double value) {
    return new BigDecimal(String.format("%.9f", value)).stripTrailingZeros();
  }

  private static Map<String, BigDecimal> decimals(Map<String, String> cells) {
    Map<String, BigDecimal> numbers = new TreeMap<>();
    cells.forEach((key, cell) -> numbers.put(key, new BigDecimal(cell).stripTrailingZeros()));
    return numbers;
  }
}
