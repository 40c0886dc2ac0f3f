package org.pmsql.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveDiscovery;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/**
 * Decodes every value of an archive, the work libpcp's pmFetchArchive + pmExtractValue loop does
 * in tools/pcp-oracle ("bench" mode): every value counted, every numeric one summed as a double.
 * Run beside that loop by benchmarks/run-decode-bench.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class DecodeBenchmark {
  @Param("/var/lib/pcp/testsuite/archives/20180102")
  public String archive;

  private ArchiveSet set;

  @Setup(Level.Trial)
  public void open() throws IOException {
    set = open(archive);
  }

  @Benchmark
  public void decodeEveryValue(Blackhole bh) throws IOException {
    Totals t = scan(set);
    bh.consume(t.values);
    bh.consume(t.sum);
  }

  /** Counted values and the sum of numeric ones: the figures libpcp's loop prints too. */
  public static final class Totals {
    public long values;
    public double sum;
  }

  public static ArchiveSet open(String archive) throws IOException {
    ArchiveDiscovery discovery = ArchiveDiscovery.discover(List.of(Path.of(archive)));
    if (!discovery.failures().isEmpty()) {
      throw discovery.failures().get(0);
    }
    return discovery.sets().get(0);
  }

  public static Totals scan(ArchiveSet set) throws IOException {
    Totals t = new Totals();
    try (ArchiveCursor cursor = set.cursor()) {
      while (cursor.next()) {
        if (cursor.isMark()) {
          continue;
        }
        ResultRecord r = cursor.record();
        ArchiveMetadata metadata = cursor.metadata();
        for (int s = 0; s < r.setCount(); s++) {
          int numval = r.numval(s);
          if (numval <= 0) {
            continue;
          }
          t.values += numval;
          MetricDesc desc = metadata.desc(r.pmid(s));
          if (desc == null || !PmTypes.isNumeric(desc.type())) {
            continue;
          }
          int type = desc.type();
          for (int i = 0; i < numval; i++) {
            t.sum += r.doubleValue(s, i, type);
          }
        }
      }
    }
    return t;
  }
}
