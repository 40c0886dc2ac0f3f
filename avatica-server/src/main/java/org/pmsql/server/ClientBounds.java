package org.pmsql.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.pmsql.serving.PerClient;

/**
 * What one client address may hold of the server at once: connections beyond
 * {@link PerClient#MAX_CONNECTIONS_PER_ADDRESS} are closed as they open (a connection trickling its
 * headers holds a file descriptor until the idle timeout, however slowly it sends), and requests
 * beyond {@link PerClient#MAX_REQUESTS} in flight get HTTP 503 without being read (each holds a
 * server thread; {@link ServingHandler} bounds each user's alike). Each refusal is logged once
 * per address until it holds less again.
 */
final class ClientBounds extends HandlerWrapper implements Connection.Listener {
  private final PerClient connections = new PerClient(PerClient.MAX_CONNECTIONS_PER_ADDRESS);
  private final PerClient requests = new PerClient(PerClient.MAX_REQUESTS);
  private final Set<Connection> counted = ConcurrentHashMap.newKeySet();
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  private final PrintStream log;

  ClientBounds(PrintStream log) {
    this.log = log;
  }

  @Override
  public void onOpened(Connection connection) {
    String address = addressOf(connection);
    if (connections.enter(address)) {
      counted.add(connection);
      logged.remove(address + " connections");
    } else {
      refused(address, "connections", connections.max());
      connection.getEndPoint().close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    if (counted.remove(connection)) {
      connections.leave(addressOf(connection));
    }
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request,
      HttpServletResponse response) throws IOException, ServletException {
    String address = request.getRemoteAddr();
    if (!requests.enter(address)) {
      refused(address, "requests in flight", requests.max());
      busy(baseRequest, response, "from this address", requests.max());
      return;
    }
    try {
      logged.remove(address + " requests in flight");
      super.handle(target, baseRequest, request, response);
    } finally {
      requests.leave(address);
    }
  }

  /** HTTP 503 for a request past a client's bound of requests in flight. */
  static void busy(Request baseRequest, HttpServletResponse response, String whose, int max)
      throws IOException {
    baseRequest.setHandled(true);
    response.setHeader("Retry-After", "1");
    response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "too many requests in"
        + " flight " + whose + " (" + max + "); wait for answers first");
  }

  private void refused(String address, String what, int max) {
    if (logged.add(address + " " + what)) {
      log.println("pmsql serve: " + address + " holds " + max + " " + what + " (the most one"
          + " address may): refusing more");
    }
  }

  private static String addressOf(Connection connection) {
    InetSocketAddress remote = connection.getEndPoint().getRemoteAddress();
    return remote == null ? "" : remote.getAddress().getHostAddress();
  }
}
