package org.pmsql.sql.tablefn;

import java.util.List;
import org.apache.calcite.schema.TranslatableTable;
import org.pmsql.archive.ArchiveSet;

/**
 * {@code TABLE(<host>.interpolate(metric, step_seconds [, start [, end]]))}: a metric's values
 * at regular times, as pmrep -t computes them.
 */
public final class InterpolateMacro extends HostMacro {
  public static final String NAME = "interpolate";
  private static final String[] NAMES = {"metric", "step_seconds", "start", "end"};
  private static final Class<?>[] TYPES =
      {String.class, Double.class, Object.class, Object.class};

  private final ArchiveSet set;

  private InterpolateMacro(ArchiveSet set, int arity) {
    super(NAME, NAMES, TYPES, arity);
    this.set = set;
  }

  /** The overloads: (metric, step), (metric, step, start) and (metric, step, start, end). */
  public static List<InterpolateMacro> overloads(ArchiveSet set) {
    return List.of(new InterpolateMacro(set, 2), new InterpolateMacro(set, 3),
        new InterpolateMacro(set, 4));
  }

  @Override
  public TranslatableTable apply(List<?> arguments) {
    String metric = text(arguments, 0);
    double step = number(arguments, 1);
    if (!(step > 0) || step > 365 * 86400.0) {
      throw refused("step_seconds must be above 0 and at most a year, not " + step);
    }
    long start = arity() > 2 ? timestampNanos(arguments, 2) : Long.MIN_VALUE;
    long end = arity() > 3 ? timestampNanos(arguments, 3) : Long.MAX_VALUE;
    return new InterpolatedTable(set, metric, Math.round(step * 1e9), start, end);
  }
}
