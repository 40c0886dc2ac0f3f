package org.pmsql.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.archive.Archive;
import org.pmsql.archive.PcpTools;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * {@code pmsql dump}: the summary's counts and sums against libpcp's reading of the same archive
 * (tools/pcp-oracle), the value listings' sizes, and errors on damaged input.
 */
class DumpCommandTest {
  private static final Pattern SUMMARY =
      Pattern.compile("\\{\"metric\": \"([^\"]+)\", \"count\": (\\d+), \"sum\": ([-0-9.Ee+]+)}");

  /** Runs the command line, returning exit code, stdout and stderr. */
  record Run(int exitCode, String out, String err) {}

  static Run pmsql(String... args) {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Pmsql.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
  }

  static Path sample() {
    return PcpTools.repositoryRoot().resolve("samples/sample-host");
  }

  @ParameterizedTest
  @ValueSource(strings = {"SAMPLE", "20041125", "20180416.10.00", "omnibus_v3", "20130706",
      "dm-io", "eventrec"})
  void summaryMatchesLibpcp(String name) throws Exception {
    Path archive = name.equals("SAMPLE") ? sample() : PcpTools.corpus().resolve(name);
    Run run = pmsql("dump", "--summary", archive.toString());
    assertEquals(0, run.exitCode(), run.err());
    Map<String, String[]> ours = new TreeMap<>();
    for (String line : run.out().split("\n")) {
      Matcher m = SUMMARY.matcher(line);
      assertTrue(m.matches(), "not the summary form: " + line);
      ours.put(m.group(1), new String[] {m.group(2), m.group(3)});
    }
    Map<String, Expected> libpcp = libpcpTotals(archive);
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
    for (Expected e : libpcpTotals(archive).values()) {
      values += e.count;
    }
    for (String format : List.of("text", "jsonl")) {
      Run run = pmsql("dump", "--format", format, archive.toString());
      assertEquals(0, run.exitCode(), run.err());
      long lines = run.out().lines().filter(l -> !l.contains("mark")).count();
      assertEquals(values, lines, format);
    }
    Run json = pmsql("dump", "--format", "jsonl", archive.toString());
    String first = json.out().lines().findFirst().orElseThrow();
    assertTrue(first.matches("\\{\"ts\":\"2004-11-24T23:10:06\\.248424Z\",\"ts_ns\":"
        + "1101337806248424000,\"metric\":\"pmcd\\.pmlogger\\.host\",\"inst\":\\d+,"
        + "\"instance\":\"\\d+\",\"value\":\"mortenb\\.oslo\\.sgi\\.com\"}"), first);
  }

  @Test
  void damagedArchivePrintsWhatItReadThenOneErrorLine() throws Exception {
    Path archive = PcpTools.BAD_CORPUS.resolve("badlen-3");
    Run run = pmsql("dump", archive.toString());
    assertEquals(1, run.exitCode());
    assertEquals(1, run.err().lines().count(), run.err());
    assertTrue(run.err().matches("pmsql dump: .*badlen-3\\.0: at byte offset \\d+: .*\\n"),
        run.err());
    assertFalse(run.err().contains("Exception"), run.err());
  }

  @Test
  void missingArchiveIsOneClearLine() {
    Run run = pmsql("dump", "/nonexistent/archive");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().startsWith("pmsql dump: /nonexistent/archive"), run.err());
    assertEquals(1, run.err().lines().count(), run.err());
  }

  @Test
  void helpListsSubcommands() {
    Run run = pmsql("--help");
    assertEquals(0, run.exitCode());
    assertTrue(run.out().contains("dump"), run.out());
  }

  /** Per metric name: libpcp's count of values and exact (integer) or floating sum. */
  static final class Expected {
    long count;
    BigInteger exact = BigInteger.ZERO;
    double floatSum;
    boolean floating;
  }

  /**
   * Totals from libpcp's values (the oracle's V lines), named as this reader names each pmID
   * (libpcp lists several names for some).
   */
  static Map<String, Expected> libpcpTotals(Path archive) throws Exception {
    Path out = Files.createTempFile("oracle", ".txt");
    try {
      PcpTools.Result r = PcpTools.run(300, out, PcpTools.oracle().toString(), "dump",
          archive.toString());
      assertEquals(0, r.exitCode());
      Map<String, String> names = new HashMap<>();
      for (MetricDesc d : Archive.open(archive).metadata().descs()) {
        names.put(PmTypes.pmidString(d.pmid()), d.name());
      }
      Map<String, Expected> totals = new TreeMap<>();
      String metric = null;
      try (BufferedReader lines = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          String[] f = line.split(" ");
          switch (f[0]) {
            case "S":
              metric = names.getOrDefault(f[1], f[1]);
              break;
            case "V": {
              Expected e = totals.computeIfAbsent(metric, k -> new Expected());
              e.count++;
              String v = f[3];
              if (v.matches("-?\\d+")) {
                e.exact = e.exact.add(new BigInteger(v));
              } else if (v.startsWith("f")) {
                e.floating = true;
                e.floatSum += Float.intBitsToFloat((int) Long.parseLong(v.substring(1), 16));
              } else if (v.startsWith("d")) {
                e.floating = true;
                e.floatSum += Double.longBitsToDouble(Long.parseUnsignedLong(v.substring(1), 16));
              }
              break;
            }
            default:
          }
        }
      }
      return totals;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
