package org.pmsql.archive.interpolate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmrep;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * Interpolated values and rates equal what pmrep prints for the same archive and interval,
 * sample for sample and instance for instance: {@code pmrep -r -t STEP} for values, plain
 * {@code pmrep -t STEP} for counter rates (and for other metrics' values). Instant, discrete and
 * counter metrics, integer and floating types, archives with marks and changing instances.
 */
class InterpolationTest {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  @ParameterizedTest(name = "{0} every {1} s: {2}")
  @CsvSource(delimiter = '|', value = {
    "20180102 | 10 | kernel.all.load kernel.all.cpu.user hinv.ncpu disk.dev.read mem.util.free",
    "20180102 | 7.5 | kernel.all.cpu.sys network.interface.in.bytes kernel.all.nprocs",
    "pmiostat_mark | 1 | disk.dev.read disk.dev.write_bytes disk.dev.avactive",
    "pmiostat_mark | 3 | disk.dev.total kernel.all.cpu.idle",
    "20041125 | 60 | kernel.all.load kernel.all.cpu.user",
    "dm-io | 2 | disk.dm.read disk.dm.read_bytes disk.dm.avactive",
    "20180102 | 20 | proc.memory.rss proc.psinfo.maj_flt",
    "20180416.10.00 | 30 | kernel.all.cpu.user mem.util.used",
  })
  void valuesAndRatesArePmreps(String name, double stepSeconds, String metrics)
      throws Exception {
    Path path = PcpTools.corpus().resolve(name);
    Archive archive = Archive.open(path);
    ArchiveSet set = new ArchiveSet(archive.hostname(), List.of(archive));
    long step = Math.round(stepSeconds * 1e9);
    int compared = 0;
    List<String> failures = new ArrayList<>();
    for (String metric : metrics.split(" ")) {
      Interpolation interpolation = Interpolation.read(set, metric);
      MetricDesc desc = interpolation.desc();
      Map<String, String> values = new TreeMap<>();
      Map<String, String> rates = new TreeMap<>();
      Interpolation.Samples samples =
          interpolation.samples(archive.startNanos(), step, Long.MAX_VALUE);
      while (samples.next()) {
        String key = key(samples.nanos(), column(archive, desc, samples.inst()));
        values.put(key, format(samples.value(), desc));
        if (!Double.isNaN(samples.rate())) {
          rates.put(key, String.format("%.9f", samples.rate()));
        }
      }
      boolean counter = desc.semantics() == PmTypes.SEM_COUNTER;
      Map<String, String> pmrepValues = Pmrep.cells(path, stepSeconds, metric, true);
      differences(pmrepValues, values, metric + " values (pmrep -r)").ifPresent(failures::add);
      if (counter) {
        differences(Pmrep.cells(path, stepSeconds, metric, false), rates, metric + " rates (pmrep)")
            .ifPresent(failures::add);
      }
      compared += pmrepValues.size();
    }
    assertEquals(List.of(), failures, name + " every " + stepSeconds + " s");
    assertTrue(compared > 50, "compared only " + compared + " samples");
  }

  /** Where the maps differ, as the first differences: time and column, pmrep's cell, ours. */
  private static java.util.Optional<String> differences(Map<String, String> pmrep,
      Map<String, String> ours, String what) {
    List<String> differences = new ArrayList<>();
    TreeMap<String, String> all = new TreeMap<>(pmrep);
    all.putAll(ours);
    for (String key : all.keySet()) {
      if (!java.util.Objects.equals(pmrep.get(key), ours.get(key))) {
        differences.add(key + ": pmrep " + pmrep.get(key) + ", pmsql " + ours.get(key));
      }
    }
    return differences.isEmpty() ? java.util.Optional.empty()
        : java.util.Optional.of(what + ": " + differences.size() + " of " + all.size()
            + " cells differ: " + differences.subList(0, Math.min(4, differences.size())));
  }

  /**
   * pmrep's column: the metric, and the instance's name as the archive last gives it (a reused
   * process id appears under its latest command name in every row).
   */
  private static String column(Archive archive, MetricDesc desc, int inst) {
    if (desc.singular()) {
      return desc.name();
    }
    InstanceDomain domain = archive.metadata().indom(desc.indom());
    List<InstanceDomain.Snapshot> snapshots = domain == null ? List.of() : domain.snapshots();
    for (int i = snapshots.size() - 1; i >= 0; i--) {
      String name = snapshots.get(i).nameOf(inst);
      if (name != null) {
        return desc.name() + "-" + name;
      }
    }
    return desc.name() + "-" + inst;
  }

  private static String format(double v, MetricDesc desc) {
    return PmTypes.isInteger(desc.type()) ? Long.toString((long) v) : String.format("%.9f", v);
  }

  private static String key(long nanos, String column) {
    return LocalDateTime.ofInstant(Instant.ofEpochSecond(0, nanos), ZoneOffset.UTC)
        .format(MICROS) + " " + column;
  }
}
