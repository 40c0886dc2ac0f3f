package org.pmsql.sqltests.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.archive.Archive;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code <host>.latest} and {@code TABLE(<host>.latest(as_of))}: each instance's last value is
 * the last one pmdumplog lists for it (at the end, or at or before the time).
 */
class LatestTest {
  private static final Pattern RECORD = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d+) ");
  private static final Pattern VALUE =
      Pattern.compile("(?:inst \\[\\d+ or \"([^\"]*)\"\\] |\\): )value (.*)$");

  @ParameterizedTest(name = "{0} {1} as of {2}")
  @CsvSource({
    "20180102, kernel.all.load, ''",
    "20180102, kernel.all.load, 14:00:00",
    "20180102, hinv.ncpu, ''",
    "20180102, kernel.uname.release, 15:00:00",
    "pmiostat_mark, disk.dev.read, ''",
  })
  void lastValuesAreLibpcps(String name, String metric, String asOf) throws Exception {
    Path archive = PcpTools.corpus().resolve(name);
    String host = Sql.host(archive);
    Map<String, String> libpcp = lastValues(archive, metric, asOf);
    assertTrue(!libpcp.isEmpty(), "pmdumplog lists no " + metric);
    String day = java.time.Instant.ofEpochSecond(0, Archive.open(archive).startNanos())
        .atZone(java.time.ZoneOffset.UTC).toLocalDate().toString();
    String table = asOf.isEmpty() ? "\"" + host + "\".latest"
        : "TABLE(\"" + host + "\".latest(TIMESTAMP '" + day + " " + asOf + "'))";
    Map<String, String> pmsql = new TreeMap<>();
    try (Connection c = Sql.connect(archive)) {
      for (Object[] row : Sql.rows(c, "SELECT instance, val, val_text FROM " + table
          + " WHERE metric = '" + metric + "'")) {
        String value = row[2] != null ? "\"" + row[2] + "\""
            : Float.toString(((Double) row[1]).floatValue());
        pmsql.put(row[0] == null ? "" : (String) row[0], value);
      }
    }
    assertEquals(libpcp, pmsql);
  }

  /** Instance name (or "") to its last value as pmdumplog -Z UTC prints it, up to HH:MM:SS. */
  private static Map<String, String> lastValues(Path archive, String metric, String asOf)
      throws Exception {
    PcpTools.Result dump = PcpTools.run(60, PcpTools.tool("pmdumplog").toString(), "-Z", "UTC",
        archive.toString(), metric);
    assertEquals(0, dump.exitCode(), dump.output());
    Map<String, String> last = new TreeMap<>();
    boolean inWindow = true;
    for (String line : dump.output().split("\n")) {
      Matcher record = RECORD.matcher(line);
      if (record.find()) {
        inWindow = asOf.isEmpty() || record.group(1).compareTo(asOf) <= 0;
        continue;
      }
      Matcher value = VALUE.matcher(line);
      if (inWindow && value.find()) {
        String text = value.group(2);
        last.put(value.group(1) == null ? "" : value.group(1), text.startsWith("\"") ? text
            : Float.toString(Float.parseFloat(text)));
      }
    }
    return last;
  }
}
