package org.pmsql.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.HandlerWrapper;
import org.pmsql.serving.FailedLogins;

/**
 * Jetty's authentication behind {@link FailedLogins}: a request whose address or user name has
 * failed too often lately gets HTTP 429 without a password check, and every 401 answered to a
 * request that brought credentials counts as a failure.
 */
final class LoginThrottle extends HandlerWrapper {
  private static final Pattern DIGEST_USER = Pattern.compile("username=\"([^\"]*)\"");
  private final FailedLogins failedLogins;
  private final PrintStream log;

  LoginThrottle(Handler authenticated, FailedLogins failedLogins, PrintStream log) {
    this.failedLogins = failedLogins;
    this.log = log;
    setHandler(authenticated);
  }

  @Override
  public void handle(String target, Request baseRequest, HttpServletRequest request,
      HttpServletResponse response) throws IOException, ServletException {
    String address = request.getRemoteAddr();
    String credentials = request.getHeader("Authorization");
    String user = userOf(credentials);
    if (failedLogins.refused(address, user)) {
      baseRequest.setHandled(true);
      response.setHeader("Retry-After", Long.toString(FailedLogins.WINDOW_MILLIS / 1000));
      response.sendError(429, "too many failed logins from this address or for this user;"
          + " try again later");
      return;
    }
    super.handle(target, baseRequest, request, response);
    if (credentials != null && response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
      failedLogins.failed(address, user);
      if (failedLogins.refused(address, user)) {
        log.println("pmsql serve: " + FailedLogins.MAX + " failed logins from " + address
            + (user == null ? "" : " or for user '" + user + "'") + ": refused for "
            + FailedLogins.WINDOW_MILLIS / 1000 + " s");
      }
    }
  }

  /** The user name a BASIC or DIGEST Authorization header gives, or null. */
  static String userOf(String credentials) {
    if (credentials == null) {
      return null;
    }
    if (credentials.regionMatches(true, 0, "Basic ", 0, 6)) {
      try {
        String pair = new String(Base64.getDecoder().decode(credentials.substring(6).strip()),
            StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? pair : pair.substring(0, colon);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    Matcher digest = DIGEST_USER.matcher(credentials);
    return digest.find() ? digest.group(1) : null;
  }
}
