package org.pmsql.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.PartitionReader;

/** A partition's rows made at once (a describing table, a slice's aggregates), then handed out. */
final class ListedRows implements PartitionReader<InternalRow> {
  private final Iterator<InternalRow> rows;
  private InternalRow current;

  ListedRows(List<InternalRow> rows) {
    this.rows = rows.iterator();
  }

  @Override
  public boolean next() {
    if (!rows.hasNext()) {
      return false;
    }
    current = rows.next();
    return true;
  }

  @Override
  public InternalRow get() {
    return current;
  }

  @Override
  public void close() {
    // the rows were made before the first was asked for; nothing stays open
  }
}
