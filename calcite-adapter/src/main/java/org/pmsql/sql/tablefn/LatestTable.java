package org.pmsql.sql.tablefn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.sql.scan.MetricColumn;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.sql.scan.QueryStop;

/**
 * {@code <host>.latest} and {@code TABLE(<host>.latest(as_of))}: each metric and instance's
 * last logged value, at the end of the archives or as of a time. Read backwards from that
 * time, stopping once every metric has been seen with every instance its domain then holds
 * (a metric logged once at the start still sends the scan back there).
 */
public final class LatestTable extends MacroTable {
  private final ArchiveSet set;
  private final long asOfNanos;

  /** {@code asOfNanos} Long.MAX_VALUE: at the end. */
  public LatestTable(ArchiveSet set, long asOfNanos) {
    this.set = set;
    this.asOfNanos = asOfNanos;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return MetricColumn.rowType(f, List.of(MetricColumn.METRIC, MetricColumn.INST,
        MetricColumn.INSTANCE, MetricColumn.TS, MetricColumn.TS_NS, MetricColumn.VAL,
        MetricColumn.VAL_TEXT));
  }

  @Override
  public Enumerable<Object[]> rows(DataContext root) {
    QueryStop stop = QueryStop.of(root);
    try {
      return Linq4j.asEnumerable(latest(stop));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Object[]> latest(QueryStop stop) throws IOException {
    List<Object[]> rows = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    Map<Integer, Integer> wanted = new HashMap<>();
    try (ArchiveCursor cursor = set.cursor()) {
      if (asOfNanos == Long.MAX_VALUE) {
        cursor.seekToEnd();
      } else {
        cursor.seek(asOfNanos + 1);
      }
      int missing = -1;
      while (missing != 0 && cursor.previous()) {
        stop.run();
        if (cursor.isMark()) {
          continue;
        }
        ArchiveMetadata metadata = cursor.metadata();
        if (missing < 0) {
          missing = expected(metadata, cursor.timestampNanos(), wanted);
        }
        ResultRecord record = cursor.record();
        for (int s = 0; s < record.setCount(); s++) {
          MetricDesc desc = metadata.desc(record.pmid(s));
          if (desc == null) {
            continue;
          }
          for (int i = 0; i < record.numval(s); i++) {
            int inst = record.inst(s, i);
            if (seen.add(((long) desc.pmid() << 32) | (inst & 0xffffffffL))) {
              rows.add(row(desc, metadata, record, s, i, cursor.timestampNanos()));
              Integer left = wanted.computeIfPresent(desc.pmid(), (k, v) -> v - 1);
              if (left != null && left == 0) {
                missing--;
              }
            }
          }
        }
      }
    }
    return rows;
  }

  /**
   * How many (metric, instance) pairs to find per metric: the instances its domain holds at
   * the start time, or one for a metric without a domain. Returns the number of metrics.
   */
  private static int expected(ArchiveMetadata metadata, long nanos, Map<Integer, Integer> wanted) {
    for (MetricDesc desc : metadata.descs()) {
      int count = 1;
      if (!desc.singular()) {
        InstanceDomain domain = metadata.indom(desc.indom());
        InstanceDomain.Snapshot snapshot = domain == null ? null : domain.at(nanos);
        count = snapshot == null ? 1 : Math.max(1, snapshot.ids().length);
      }
      wanted.put(desc.pmid(), count);
    }
    return wanted.size();
  }

  private static Object[] row(MetricDesc desc, ArchiveMetadata metadata, ResultRecord record,
      int set, int i, long nanos) {
    int inst = record.inst(set, i);
    Double val = PmTypes.isNumeric(desc.type()) ? record.doubleValue(set, i, desc.type()) : null;
    String text = desc.type() == PmTypes.TYPE_STRING ? record.stringValue(set, i) : null;
    return new Object[] {desc.name(), desc.singular() ? null : inst,
        desc.singular() ? null : metadata.instanceName(desc.indom(), inst, nanos),
        Math.floorDiv(nanos, 1_000_000L), nanos, val, text};
  }
}
