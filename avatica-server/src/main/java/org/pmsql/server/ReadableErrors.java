package org.pmsql.server;

import java.io.PrintStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.MissingResultsException;
import org.apache.calcite.avatica.NoSuchConnectionException;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Service;
import org.pmsql.serving.Caller;
import org.pmsql.sql.QueryErrors;

/**
 * A failed request reaches the client as one readable line with its SQL state (Avatica alone
 * sends the causal chain, "RuntimeException: SQLException: ... -> IllegalArgumentException:
 * ...", and every stack trace), and the server's log gets the same line, not a stack trace; a
 * client making errors by the thousand is logged at most {@link #LINES_PER_SECOND} a second.
 */
final class ReadableErrors implements InvocationHandler {
  private static final int LINES_PER_SECOND = 10;

  private final Service service;
  private final PrintStream log;
  private long second;
  private int linesThisSecond;
  private int notLogged;

  private ReadableErrors(Service service, PrintStream log) {
    this.service = service;
    this.log = log;
  }

  static Service of(Service service, PrintStream log) {
    return (Service) Proxy.newProxyInstance(Service.class.getClassLoader(),
        new Class<?>[] {Service.class}, new ReadableErrors(service, log));
  }

  @Override
  public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(service, args);
    } catch (InvocationTargetException e) {
      Throwable failure = e.getCause();
      if (failure instanceof AvaticaRuntimeException || failure instanceof NoSuchConnectionException
          || failure instanceof NoSuchStatementException
          || failure instanceof MissingResultsException) {
        // Avatica's own: the client acts on them (reconnects, re-executes, says it is gone)
        throw withoutStack(failure);
      }
      String line = QueryErrors.oneLine(failure);
      logLine(ServingHandler.caller(), line);
      throw withoutStack(new AvaticaRuntimeException(line, -1, sqlState(failure),
          AvaticaSeverity.ERROR));
    }
  }

  /**
   * Avatica sends an error's stack trace to the client: the server's insides are not the
   * client's business (and help whoever probes it).
   */
  static <T extends Throwable> T withoutStack(T failure) {
    failure.setStackTrace(new StackTraceElement[0]);
    return failure;
  }

  private static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return "HY000";
  }

  private synchronized void logLine(Caller caller, String line) {
    long now = System.currentTimeMillis() / 1000;
    if (now != second) {
      if (notLogged > 0) {
        log.println("pmsql serve: " + notLogged + " more failed requests not logged");
      }
      second = now;
      linesThisSecond = 0;
      notLogged = 0;
    }
    if (++linesThisSecond > LINES_PER_SECOND) {
      notLogged++;
      return;
    }
    log.println("pmsql serve: " + (caller.user().isEmpty() ? "anonymous" : caller.user())
        + ": " + line);
  }
}
