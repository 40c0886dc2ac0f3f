package org.pmsql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pmsql.cli.CliRun.pmsql;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.testsupport.LibpcpTotals;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code pmsql dump}: the summary's counts and sums against libpcp's reading of the same archive
 * (tools/pcp-oracle), the value listings' sizes, and errors on damaged input.
 */
class DumpCommandTest {
  private static final Pattern SUMMARY =
      Pattern.compile("\\{\"metric\": \"([^\"]+)\", \"count\": (\\d+), \"sum\": ([-0-9.Ee+]+)}");

  static Path sample() {
    return PcpTools.repositoryRoot().resolve("samples/sample-host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SAMPLE", "20041125", "20180416.10.00", "omnibus_v3", "20130706",
      "dm-io", "eventrec"})
  void summaryMatchesLibpcp(String name) throws Exception {
    Path archive = name.equals("SAMPLE") ? sample() : PcpTools.corpus().resolve(name);
    CliRun run = pmsql("dump", "--summary", archive.toString());
    assertEquals(0, run.exitCode(), run.err());
    Map<String, String[]> ours = new TreeMap<>();
    for (String line : run.out().split("\n")) {
      Matcher m = SUMMARY.matcher(line);
      assertTrue(m.matches(), "not the summary form: " + line);
      ours.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    Map<String, LibpcpTotals> libpcp = LibpcpTotals.of(archive);
    assertEquals(libpcp.keySet(), ours.keySet(), "metrics");
    libpcp.forEach((metric, want) -> {
      String[] got = ours.get(metric);
      assertEquals(want.count, Long.parseLong(got[0]), metric + " count");
      if (want.floating) {
        double sum = Double.parseDouble(got[1]);
        double expected = want.floatSum + want.exact.doubleValue();
        assertEquals(expected, sum, Math.abs(expected) * 1e-12 + 1e-9, metric + " sum");
      } else {
        assertEquals(want.exact, new BigInteger(got[1]), metric + " sum");
      }
    });
  }

  @Test
  void listingsHaveOneLinePerValueAndMark() throws Exception {
    Path archive = PcpTools.corpus().resolve("20041125");
    long values = 0;
    for (LibpcpTotals e : LibpcpTotals.of(archive).values()) {
      values += e.count;
    }
    for (String format : List.of("text", "jsonl")) {
      CliRun run = pmsql("dump", "--format", format, archive.toString());
      assertEquals(0, run.exitCode(), run.err());
      long lines = run.out().lines().filter(l -> !l.contains("mark")).count();
      assertEquals(values, lines, format);
    }
    CliRun json = pmsql("dump", "--format", "jsonl", archive.toString());
    String first = json.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("\\{\"ts\":\"2004-11-24T23:10:06\\.248424Z\",\"ts_ns\":"
        + "1101337806248424000,\"metric\":\"pmcd\\.pmlogger\\.host\",\"inst\":\\d+,"
        + "\"instance\":\"\\d+\",\"value\":\"mortenb\\.oslo\\.sgi\\.com\"}"), first);
  }

  @Test
  void damagedArchivePrintsWhatItReadThenOneErrorLine() throws Exception {
    Path archive = PcpTools.BAD_CORPUS.resolve("badlen-3");
    CliRun run = pmsql("dump", archive.toString());
    assertEquals(1, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().matches("pmsql dump: .*badlen-3\\.0: at byte offset \\d+: .*\\n"),
        run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void missingArchiveIsOneClearLine() {
    CliRun run = pmsql("dump", "/nonexistent/archive");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith("pmsql dump: /nonexistent/archive"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void helpListsSubcommands() {
    CliRun run = pmsql("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("dump"), run.out());
  }
}
