package org.pmsql.federation;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A pmsql server as the JDBC adapter's data source, so that a server that is down or does not
 * answer within the query timeout is named in the error. Where the server is one of several
 * holding a host ({@code leaveOut}), its rows are left out instead: the query answers from the
 * others, and the failure is listed in {@code pcp.server_errors}.
 */
final class ServerSource {
  private ServerSource() {}

  static DataSource of(DataSource pooled, String server, boolean leaveOut, ServerErrors errors) {
    Failure failure = new Failure(server, leaveOut, errors);
    return proxy(DataSource.class, (self, method, args) -> {
      if (method.getName().equals("getConnection")) {
        try {
          return guarded(Connection.class, method.invoke(pooled, args), null, failure);
        } catch (InvocationTargetException e) {
          failure.handle(e.getCause());
          return guarded(Connection.class, null, null, failure);
        }
      }
      return call(pooled, method, args);
    });
  }

  /** What to do when the server fails: name it, and throw or (leaving it out) record it. */
  private record Failure(String server, boolean leaveOut, ServerErrors errors) {
    void handle(Throwable failed) {
      // a pool that could not connect in time gives the reason as the cause
      Throwable cause = failed instanceof SQLTransientConnectionException
          && failed.getCause() != null ? failed.getCause() : failed;
      String message = cause.getMessage() == null ? cause.toString()
          : cause.getMessage().lines().findFirst().orElse(cause.toString());
      if (!leaveOut) {
        // unchecked: the JDBC adapter would wrap an SQLException in a message of its own that
        // names the SQL but not the server
        throw new IllegalStateException("server " + server + " failed: " + message, failed);
      }
      errors.add(server, "rows left out of a query: " + message);
    }
  }

  /**
   * Wraps what a connection, statement or result set hands out, so every call that reaches the
   * server goes through the failure rule. Once a server is left out, the object stops calling
   * it: a statement finds no rows and a result set ends, while closing still reaches the
   * original, so the pooled connection goes back to its pool.
   */
  private static <T> T guarded(Class<T> type, Object original, Object parent, Failure failure) {
    Object[] live = {original};
    return proxy(type, (self, method, args) -> {
      String name = method.getName();
      if (method.getDeclaringClass() == Object.class) {
        return switch (name) {
          case "equals" -> self == args[0];
          case "hashCode" -> System.identityHashCode(self);
          default -> type.getSimpleName() + " of server " + failure.server();
        };
      }
      switch (name) {
        case "close" -> {
          return original == null ? null : call(original, method, args);
        }
        case "getStatement", "getConnection" -> {
          return parent;
        }
        default -> { }
      }
      if (live[0] == null) {
        return leftOut(name, self, failure);
      }
      try {
        Object result = method.invoke(live[0], args);
        return switch (name) {
          case "createStatement" -> guarded(Statement.class, result, self, failure);
          case "prepareStatement" -> guarded(PreparedStatement.class, result, self, failure);
          case "executeQuery", "getResultSet" ->
              result == null ? null : guarded(ResultSet.class, result, self, failure);
          default -> result;
        };
      } catch (InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof SQLException || cause instanceof RuntimeException)) {
          throw cause;
        }
        failure.handle(cause);
        live[0] = null;
        return leftOut(name, self, failure);
      }
    });
  }

  /** What an object of a server left out of the query answers. */
  private static Object leftOut(String method, Object self, Failure failure)
      throws SQLException {
    return switch (method) {
      case "createStatement" -> guarded(Statement.class, null, self, failure);
      case "prepareStatement" -> guarded(PreparedStatement.class, null, self, failure);
      case "execute" -> true;
      case "executeQuery", "getResultSet" -> guarded(ResultSet.class, null, self, failure);
      case "next", "wasNull", "isClosed" -> false;
      case "getUpdateCount" -> -1;
      case "clearParameters" -> null;
      default -> {
        if (method.startsWith("set")) { // a statement's settings, a parameter's value
          yield null;
        }
        throw new SQLException("server " + failure.server() + " is left out of this query"
            + " (" + method + ")");
      }
    };
  }

  private static Object call(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static <T> T proxy(Class<T> type, InvocationHandler handler) {
    return type.cast(Proxy.newProxyInstance(ServerSource.class.getClassLoader(),
        new Class<?>[] {type}, handler));
  }
}
