package org.pmsql.sql.stream;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;

/**
 * One of pmsql's own aggregate functions (a class with init, add and result, such as median or
 * time_weight_avg) computed window by window over a stream: its accumulator lives in the
 * window's state, and each row's arguments are handed to add as Calcite's generated code would.
 */
final class UserAggregate {
  private final MethodHandle init;
  private final MethodHandle add;
  private final MethodHandle result;
  private final int[] arguments;

  private UserAggregate(MethodHandle init, MethodHandle add, MethodHandle result,
      int[] arguments) {
    this.init = init;
    this.add = add;
    this.result = result;
    this.arguments = arguments;
  }

  /** The function's methods, bound to an instance where they are not static. */
  static UserAggregate of(AggregateFunctionImpl function, List<Integer> arguments) {
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      MethodHandle init = lookup.unreflect(function.initMethod);
      MethodHandle add = lookup.unreflect(function.addMethod);
      MethodHandle result = function.resultMethod == null ? MethodHandles.identity(Object.class)
          : lookup.unreflect(function.resultMethod);
      if (!function.isStatic) {
        Object instance = function.declaringClass.getConstructor().newInstance();
        init = init.bindTo(instance);
        add = add.bindTo(instance);
        result = function.resultMethod == null ? result : result.bindTo(instance);
      }
      return new UserAggregate(init.asType(MethodType.genericMethodType(0)),
          add.asType(MethodType.genericMethodType(1 + arguments.size())),
          result.asType(MethodType.genericMethodType(1)),
          arguments.stream().mapToInt(Integer::intValue).toArray());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("aggregate " + function.declaringClass.getSimpleName()
          + " cannot be computed over a stream: " + e.getMessage(), e);
    }
  }

  Object init() {
    try {
      return (Object) init.invokeExact();
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  Object add(Object accumulator, Object[] row) {
    try {
      return switch (arguments.length) {
        case 1 -> (Object) add.invokeExact(accumulator, row[arguments[0]]);
        case 2 -> (Object) add.invokeExact(accumulator, row[arguments[0]], row[arguments[1]]);
        case 3 -> (Object) add.invokeExact(accumulator, row[arguments[0]], row[arguments[1]],
            row[arguments[2]]);
        case 4 -> (Object) add.invokeExact(accumulator, row[arguments[0]], row[arguments[1]],
            row[arguments[2]], row[arguments[3]]);
        default -> {
          Object[] values = new Object[1 + arguments.length];
          values[0] = accumulator;
          for (int i = 0; i < arguments.length; i++) {
            values[i + 1] = row[arguments[i]];
          }
          yield add.invokeWithArguments(values);
        }
      };
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  Object result(Object accumulator) {
    try {
      return (Object) result.invokeExact(accumulator);
    } catch (Throwable e) {
      throw rethrown(e);
    }
  }

  private static RuntimeException rethrown(Throwable e) {
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(e);
  }
}
