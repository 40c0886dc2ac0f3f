package org.pmsql.server;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;

/**
 * Every Avatica request that names a connection reaches the Meta only when the caller owns that
 * connection: metadata calls, syncs, statements, commits and closes alike, whatever request types
 * the protocol has or gains. A connection of another user is "not found", as a closed one is.
 * Only {@code openConnection} names a connection that is not yet anyone's.
 */
final class OwnedConnections implements InvocationHandler {
  /** How each request class names its connection: the field, if it names one. */
  private static final Map<Class<?>, Optional<Field>> NAMING = new ConcurrentHashMap<>();

  private final Service service;
  private final Predicate<String> callerOwns;

  private OwnedConnections(Service service, Predicate<String> callerOwns) {
    this.service = service;
    this.callerOwns = callerOwns;
  }

  /** {@code service} behind the check; {@code callerOwns} answers for the current caller. */
  static Service of(Service service, Predicate<String> callerOwns) {
    return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(),
        new Class<?>[] {Service.class}, new OwnedConnections(service, callerOwns));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (args != null && args.length == 1 && args[0] instanceof Service.Request request
        && !(request instanceof Service.OpenConnectionRequest)) {
      Optional<Field> field =
          NAMING.computeIfAbsent(request.getClass(), OwnedConnections::namingField);
      if (field.isPresent()) {
        String connectionId = connectionOf(field.get().get(request));
        if (connectionId == null || !callerOwns.test(connectionId)) {
          throw notFound(connectionId);
        }
      }
    }
    try {
      return method.invoke(service, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /**
   * Avatica's "missing connection", which clients act on, with a message and without the
   * server's stack.
   */
  private static AvaticaRuntimeException notFound(String connectionId) {
    return ReadableErrors.withoutStack(new AvaticaRuntimeException("Connection not found:"
        + " invalid id, closed, or expired: " + connectionId,
        ErrorResponse.MISSING_CONNECTION_ERROR_CODE, "08003", AvaticaSeverity.ERROR));
  }

  private static String connectionOf(Object named) {
    return named instanceof Meta.StatementHandle h ? h.connectionId : (String) named;
  }

  private static Optional<Field> namingField(Class<?> requestClass) {
    for (String name : new String[] {"connectionId", "statementHandle"}) {
      try {
        Field field = requestClass.getField(name);
        if (field.getType() == String.class || field.getType() == Meta.StatementHandle.class) {
          return Optional.of(field);
        }
      } catch (NoSuchFieldException e) {
        // this request names its connection the other way, or not at all
      }
    }
    return Optional.empty();
  }
}
