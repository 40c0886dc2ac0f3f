package org.pmsql.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.servlet.ReadListener;
import javax.servlet.ServletInputStream;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletRequestWrapper;
import javax.servlet.http.HttpServletResponse;
import org.apache.calcite.avatica.remote.Service;
import org.apache.calcite.avatica.server.AvaticaHandler;
import org.apache.calcite.avatica.server.AvaticaJsonHandler;
import org.apache.calcite.avatica.server.AvaticaProtobufHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;
import org.pmsql.pmproxy.PmproxyApi;
import org.pmsql.serving.Caller;
import org.pmsql.serving.LogRequests;
import org.pmsql.serving.PerClient;

/**
 * Serves both of Avatica's wire formats on one port, choosing per request (a JSON request is
 * an object, or comes in the {@code request} header; anything else is protobuf), makes the
 * request's {@link Caller} known to the Meta for the length of the call, hands the requests of
 * pmproxy's port to {@link PmproxyApi}, and answers HTTP 503
 * to a user with {@link PerClient#MAX_REQUESTS} requests in flight already.
 */
final class ServingHandler extends AbstractHandler implements AvaticaHandler {
  /** Larger requests (Avatica's are statements and parameters) get HTTP 413. */
  static final int MAX_REQUEST_BYTES = 16 << 20;
  private static final ThreadLocal<Caller> CALLER = new ThreadLocal<>();

  /** The name of the connector whose requests are pmproxy's API's. */
  static final String PMPROXY_CONNECTOR = "pmproxy";

  private final AvaticaProtobufHandler protobuf;
  private final AvaticaJsonHandler json;
  private final PmproxyApi pmproxy;
  private final PerClient requestsPerUser = new PerClient(PerClient.MAX_REQUESTS);

  /** {@code pmproxy} null: no pmproxy API served. */
  ServingHandler(Service service, PmproxyApi pmproxy) {
    this.protobuf = new AvaticaProtobufHandler(service);
    this.json = new AvaticaJsonHandler(service);
    this.pmproxy = pmproxy;
  }

  /** Who sent the request this thread serves. */
  static Caller caller() {
    Caller caller = CALLER.get();
    return caller == null ? Caller.ANONYMOUS : caller;
  }

  @Override
  public void setServerRpcMetadata(org.apache.calcite.avatica.remote.Service.RpcMetadataResponse
      metadata) {
    protobuf.setServerRpcMetadata(metadata);
    json.setServerRpcMetadata(metadata);
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    String user = request.getRemoteUser();
    Caller caller = user == null ? Caller.ANONYMOUS
        : new Caller(user, request.isUserInRole(LogRequests.ROLE));
    if (!requestsPerUser.enter(caller.user())) {
      ClientBounds.busy(baseRequest, response, "for this user", requestsPerUser.max());
      return;
    }
    try {
      if (pmproxy != null && PMPROXY_CONNECTOR.equals(
          baseRequest.getHttpChannel().getConnector().getName())) {
        baseRequest.setHandled(true);
        pmproxy.serve(caller, request, response);
      } else {
        serve(caller, target, baseRequest, request, response);
      }
    } finally {
      requestsPerUser.leave(caller.user());
    }
  }

  private void serve(Caller caller, String target, Request baseRequest,
      HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] body;
    try (InputStream in = request.getInputStream()) {
      body = in.readNBytes(MAX_REQUEST_BYTES + 1);
    }
    if (body.length > MAX_REQUEST_BYTES) {
      baseRequest.setHandled(true);
      response.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "requests are limited to " + MAX_REQUEST_BYTES + " bytes");
      return;
    }
    HttpServletRequest replay = new HttpServletRequestWrapper(request) {
      @Override
      public ServletInputStream getInputStream() {
        return new BodyStream(body);
      }
    };
    CALLER.set(caller);
    try {
      if (request.getHeader("request") != null || isJson(body)) {
        json.handle(target, baseRequest, replay, response);
      } else {
        protobuf.handle(target, baseRequest, replay, response);
      }
    } catch (javax.servlet.ServletException e) {
      throw new IOException(e);
    } finally {
      CALLER.remove();
    }
  }

  private static boolean isJson(byte[] body) {
    for (byte b : body) {
      if (!Character.isWhitespace(b)) {
        return b == '{';
      }
    }
    return false;
  }

  /** A request body already read, handed to Avatica's handlers as if it were still coming. */
  private static final class BodyStream extends ServletInputStream {
    private final ByteArrayInputStream bytes;

    BodyStream(byte[] body) {
      this.bytes = new ByteArrayInputStream(body);
    }

    @Override
    public int read() {
      return bytes.read();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      return bytes.read(b, off, len);
    }

    @Override
    public boolean isFinished() {
      return bytes.available() == 0;
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
      throw new UnsupportedOperationException("requests are read whole");
    }
  }
}
