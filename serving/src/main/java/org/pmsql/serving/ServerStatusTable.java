package org.pmsql.serving;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code pcp.server_status}: one row on the serving process, for operators and load tests:
 * open connections, statements, streams, queries running and waiting for a turn, log
 * requests, and the server's heap.
 */
public final class ServerStatusTable extends AbstractTable implements ScannableTable {
  public static final String NAME = "server_status";
  private static final long STARTED_MILLIS = System.currentTimeMillis();

  /** The counts the server keeps. */
  public record Counts(int connections, int statements, int streams, int running, int waiting,
      int logRequests) {}

  private final Supplier<Counts> counts;

  public ServerStatusTable(Supplier<Counts> counts) {
    this.counts = counts;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder()
        .add("started_at", SqlTypeName.TIMESTAMP, 3)
        .add("connections", SqlTypeName.INTEGER)
        .add("statements", SqlTypeName.INTEGER)
        .add("streams", SqlTypeName.INTEGER)
        .add("queries_running", SqlTypeName.INTEGER)
        .add("queries_waiting", SqlTypeName.INTEGER)
        .add("log_requests", SqlTypeName.INTEGER)
        .add("heap_used_bytes", SqlTypeName.BIGINT)
        .add("heap_max_bytes", SqlTypeName.BIGINT)
        .build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    Counts now = counts.get();
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    return Linq4j.asEnumerable(List.<Object[]>of(new Object[] {STARTED_MILLIS,
        now.connections(), now.statements(), now.streams(), now.running(), now.waiting(), now.logRequests(), heap.getUsed(),
        heap.getMax()}));
  }
}
