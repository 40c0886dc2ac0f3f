package org.pmsql.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.pmsql.archive.Archive;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * Per metric: libpcp's count of values and their exact (integer) or floating sum, from the
 * oracle's reading of an archive. Metrics are named as this reader names each pmID (libpcp
 * lists several names for some).
 */
public final class LibpcpTotals {
  public long count;
  public BigInteger exact = BigInteger.ZERO;
  public double floatSum;
  public boolean floating;

  /** The sum as one number: exact for integer metrics. */
  public double sum() {
    return floatSum + exact.doubleValue();
  }

  public static Map<String, LibpcpTotals> of(Path archive) throws Exception {
    return of(archive, Long.MIN_VALUE);
  }

  /** The same, counting only records at or after {@code fromNanos}. */
  public static Map<String, LibpcpTotals> of(Path archive, long fromNanos) throws Exception {
    Path out = Files.createTempFile("oracle", ".txt");
    try {
      PcpTools.Result r = PcpTools.run(300, out, PcpTools.oracle().toString(), "dump",
          archive.toString());
      assertEquals(0, r.exitCode());
      Map<String, String> names = new HashMap<>();
      for (MetricDesc d : Archive.open(archive).metadata().descs()) {
        names.put(PmTypes.pmidString(d.pmid()), d.name());
      }
      Map<String, LibpcpTotals> totals = new TreeMap<>();
      String metric = null;
      boolean inWindow = true;
      try (BufferedReader lines = Files.newBufferedReader(out, StandardCharsets.ISO_8859_1)) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          String[] f = line.split(" ");
          switch (f[0]) {
            case "R": {
              String[] stamp = f[1].split("\\.");
              inWindow = Long.parseLong(stamp[0]) * 1_000_000_000L
                  + Long.parseLong(stamp[1]) >= fromNanos;
              break;
            }
            case "S":
              metric = names.getOrDefault(f[1], f[1]);
              break;
            case "V": {
              if (!inWindow) {
                break;
              }
              LibpcpTotals e = totals.computeIfAbsent(metric, k -> new LibpcpTotals());
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
