package org.pmsql.sql.tablefn;

import java.util.List;
import org.apache.calcite.schema.TranslatableTable;
import org.pmsql.archive.ArchiveSet;

/** {@code TABLE(<host>.latest(as_of))}: each metric and instance's last value at a time. */
public final class LatestMacro extends HostMacro {
  public static final String NAME = "latest";

  private final ArchiveSet set;

  public LatestMacro(ArchiveSet set) {
    super(NAME, new String[] {"as_of"}, new Class<?>[] {Object.class}, 1);
    this.set = set;
  }

  @Override
  public TranslatableTable apply(List<?> arguments) {
    return new LatestTable(set, timestampNanos(arguments, 0));
  }
}
