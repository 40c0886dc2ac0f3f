package org.pmsql.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.TableMacro;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;
import org.pmsql.archive.ArchiveSet;

/**
 * {@code TABLE(<host>.interpolate(metric, step_seconds [, start [, end]]))}: a metric's values
 * at regular times, as pmrep -t computes them. A macro, because its arguments are constants
 * that pick the table's contents when the query is planned; registered once per arity since
 * Calcite cannot leave out a macro's trailing arguments.
 */
final class InterpolateMacro implements TableMacro {
  static final String NAME = "interpolate";
  private static final String[] NAMES = {"metric", "step_seconds", "start", "end"};
  /**
   * Java types: Calcite hands a macro a literal's value only for a Java-typed parameter, and
   * converts none to a timestamp, so start and end come as they are (ANY) and are read here.
   */
  private static final Class<?>[] TYPES =
      {String.class, Double.class, Object.class, Object.class};

  private final ArchiveSet set;
  private final int arity;

  private InterpolateMacro(ArchiveSet set, int arity) {
    this.set = set;
    this.arity = arity;
  }

  /** The overloads: (metric, step), (metric, step, start) and (metric, step, start, end). */
  static List<InterpolateMacro> overloads(ArchiveSet set) {
    return List.of(new InterpolateMacro(set, 2), new InterpolateMacro(set, 3),
        new InterpolateMacro(set, 4));
  }

  @Override
  public List<FunctionParameter> getParameters() {
    List<FunctionParameter> parameters = new ArrayList<>();
    for (int i = 0; i < arity; i++) {
      int ordinal = i;
      parameters.add(new FunctionParameter() {
        @Override
        public int getOrdinal() {
          return ordinal;
        }

        @Override
        public String getName() {
          return NAMES[ordinal];
        }

        @Override
        public RelDataType getType(RelDataTypeFactory typeFactory) {
          return typeFactory.createJavaType(TYPES[ordinal]);
        }

        @Override
        public boolean isOptional() {
          return false;
        }
      });
    }
    return parameters;
  }

  @Override
  public TranslatableTable apply(List<?> arguments) {
    String metric = arguments.get(0) instanceof NlsString s ? s.getValue()
        : arguments.get(0) instanceof String s ? s : null;
    if (metric == null) {
      throw new IllegalArgumentException("interpolate: the metric must be a string literal,"
          + " not " + arguments.get(0));
    }
    double step = number(arguments.get(1), "step_seconds");
    if (!(step > 0) || step > 365 * 86400.0) {
      throw new IllegalArgumentException("interpolate: step_seconds must be above 0 and at"
          + " most a year, not " + arguments.get(1));
    }
    long start = arity > 2 ? nanos(arguments.get(2), "start") : Long.MIN_VALUE;
    long end = arity > 3 ? nanos(arguments.get(3), "end") : Long.MAX_VALUE;
    return new InterpolatedTable(set, metric, Math.round(step * 1e9), start, end);
  }

  private static double number(Object value, String name) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("interpolate: " + name + " must be a number, not "
        + value);
  }

  /** A TIMESTAMP literal, or a string in its form, as UTC nanoseconds. */
  private static long nanos(Object value, String name) {
    try {
      TimestampString t = value instanceof TimestampString ts ? ts
          : value instanceof NlsString s ? new TimestampString(s.getValue())
          : value instanceof String s ? new TimestampString(s) : null;
      if (t != null) {
        return t.getMillisSinceEpoch() * 1_000_000L;
      }
    } catch (IllegalArgumentException e) {
      // not in the form yyyy-MM-dd HH:mm:ss: said below
    }
    throw new IllegalArgumentException("interpolate: " + name + " must be a TIMESTAMP literal"
        + " such as TIMESTAMP '2026-11-25 10:00:00', not " + value);
  }
}
