package org.pmsql.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.hydromatic.quidem.Quidem;
import org.junit.jupiter.api.Test;
import org.pmsql.archive.LibpcpTotals;
import org.pmsql.archive.PcpTools;

/**
 * SQL scripts with their expected output (Quidem, as Calcite tests itself): each script must
 * reproduce itself exactly, and the per-metric counts and sums it expects must be libpcp's.
 */
class QuidemScriptTest {
  private static final Path SCRIPTS =
      PcpTools.repositoryRoot().resolve("sql-tests/src/test/resources/sql");

  @Test
  void sampleScriptReproducesItself() throws Exception {
    Path script = SCRIPTS.resolve("sample.iq");
    String expected = Files.readString(script);
    String actual = run(script);
    Path out = Path.of("target", "quidem", "sample.iq");
    Files.createDirectories(out.getParent());
    Files.writeString(out, actual);
    assertEquals(expected, actual, "diff " + script + " " + out.toAbsolutePath());
  }

  @Test
  void sampleScriptCountsAreLibpcps() throws Exception {
    List<String> lines = Files.readAllLines(SCRIPTS.resolve("sample.iq"));
    int start = lines.indexOf("SELECT metric, count(*) AS n, sum(val_exact) AS total");
    assertTrue(start >= 0, "the per-metric statement is in the script");
    Map<String, String[]> script = new TreeMap<>();
    for (int i = start; !lines.get(i).equals("!ok"); i++) {
      String line = lines.get(i);
      if (line.startsWith("| ") && !line.startsWith("| metric ")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|");
        script.put(cells[0].trim(), new String[] {cells[1].trim(), cells[2].trim()});
      }
    }
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(Sql.sample());
    assertEquals(libpcp.keySet(), script.keySet());
    libpcp.forEach((metric, want) -> {
      assertEquals(Long.toString(want.count), script.get(metric)[0], metric);
      if (!want.floating && !script.get(metric)[1].isEmpty()) {
        assertEquals(want.exact, new BigInteger(script.get(metric)[1]), metric);
      }
    });
  }

  @Test
  void sampleScriptWindowCountsAreLibpcps() throws Exception {
    List<String> lines = Files.readAllLines(SCRIPTS.resolve("sample.iq"));
    int start = lines.indexOf("SELECT metric, count(*) AS n");
    assertTrue(start >= 0, "the window statement is in the script");
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(Sql.sample(),
        Instant.parse("2026-11-25T02:24:00Z").toEpochMilli() * 1_000_000L);
    int rows = 0;
    for (int i = start; !lines.get(i).equals("!ok"); i++) {
      String line = lines.get(i);
      if (line.startsWith("| mem.")) {
        String[] cells = line.substring(1, line.length() - 1).split("\\|");
        assertEquals(Long.toString(libpcp.get(cells[0].trim()).count), cells[1].trim(), line);
        rows++;
      }
    }
    assertEquals(2, rows);
  }

  private static String run(Path script) throws Exception {
    StringWriter writer = new StringWriter();
    try (Reader reader = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
      new Quidem(Quidem.configBuilder()
          .withReader(reader)
          .withWriter(writer)
          .withConnectionFactory((name, reference) ->
              name.equals("sample") ? Sql.connect(Sql.sample()) : null)
          .build()).execute();
    }
    return writer.toString();
  }
}
