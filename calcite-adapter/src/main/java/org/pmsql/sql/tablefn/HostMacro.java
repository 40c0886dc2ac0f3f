package org.pmsql.sql.tablefn;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.TableMacro;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.TimestampString;

/**
 * A host's table function: a macro, because its arguments are constants that pick the table's
 * contents when the query is planned. Calcite cannot leave out a macro's trailing arguments,
 * so a function with optional ones is registered once per arity.
 */
abstract class HostMacro implements TableMacro {
  private final String name;
  private final String[] names;
  /**
   * Java types: Calcite hands a macro a literal's value only for a Java-typed parameter, and
   * converts none to a timestamp, so timestamps come as they are (Object, SQL's ANY).
   */
  private final Class<?>[] types;
  private final int arity;

  HostMacro(String name, String[] names, Class<?>[] types, int arity) {
    this.name = name;
    this.names = names;
    this.types = types;
    this.arity = arity;
  }

  final int arity() {
    return arity;
  }

  @Override
  public final List<FunctionParameter> getParameters() {
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
          return names[ordinal];
        }

        @Override
        public RelDataType getType(RelDataTypeFactory typeFactory) {
          return typeFactory.createJavaType(types[ordinal]);
        }

        @Override
        public boolean isOptional() {
          return false;
        }
      });
    }
    return parameters;
  }

  final String text(List<?> arguments, int i) {
    Object value = arguments.get(i);
    if (value instanceof NlsString s) {
      return s.getValue();
    }
    if (value instanceof String s) {
      return s;
    }
    throw refused(names[i] + " must be a string literal, not " + value);
  }

  final double number(List<?> arguments, int i) {
    if (arguments.get(i) instanceof Number n) {
      return n.doubleValue();
    }
    throw refused(names[i] + " must be a number, not " + arguments.get(i));
  }

  /** A TIMESTAMP literal, or a string in its form, as UTC nanoseconds. */
  final long timestampNanos(List<?> arguments, int i) {
    Object value = arguments.get(i);
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
    throw refused(names[i] + " must be a TIMESTAMP literal such as"
        + " TIMESTAMP '2026-11-25 10:00:00', not " + value);
  }

  final IllegalArgumentException refused(String why) {
    return new IllegalArgumentException(name + ": " + why);
  }
}
