package org.pmsql.pgwire;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.pmsql.serving.Caller;
import org.pmsql.serving.LogRequests;
import org.pmsql.serving.UsersFile;

/**
 * A connection's start, before it is a session: TLS when the client asks (SSLRequest), a
 * cancel request for another connection, or the start-up packet and authentication as the
 * users file says (SCRAM-SHA-256; an MD5-hashed password in clear text over TLS only; without
 * users, loopback and no password). Failures count toward the server's login throttle.
 */
final class Startup {
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;
  private static final int PROTOCOL_3 = 196608;
  private static final int STARTUP_SECONDS = 30;

  /** Who connected, over what (TLS replaces the socket and its streams), asking for what. */
  record Client(Socket socket, Frontend in, Backend out, String user, Caller caller,
      Map<String, String> parameters) {}

  private final PgServer server;
  private Socket socket;
  private Frontend in;
  private Backend out;
  private String user;

  Startup(PgServer server, Socket socket, Frontend in, Backend out) {
    this.server = server;
    this.socket = socket;
    this.in = in;
    this.out = out;
  }

  /**
   * Reads the start-up packet (after TLS if asked) and authenticates: the client, or null when
   * the connection is to end (a cancel request, or a refusal the client has been told).
   */
  Client run() throws IOException {
    try {
      return startup();
    } catch (Scram.AuthenticationFailure e) {
      server.failedLogins().failed(address(), user);
      out.fatal("28P01", "password authentication failed for user \"" + user + "\"");
      return null;
    }
  }

  private Client startup() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS);
    boolean tlsTried = false;
    while (true) {
      byte[] packet = in.startup(deadline);
      if (packet == null) {
        return null;
      }
      Frontend.Body body = new Frontend.Body('\0', packet);
      int code = body.int32();
      if (code == SSL_REQUEST && !tlsTried) {
        tlsTried = true;
        if (server.settings().tls() == null) {
          out.raw('N');
        } else {
          out.raw('S');
          startTls();
        }
      } else if (code == GSSENC_REQUEST) {
        out.raw('N');
      } else if (code == CANCEL_REQUEST) {
        if (packet.length == 12) {
          int pid = body.int32();
          server.cancel(pid, body.int32());
        }
        return null;
      } else if (code == PROTOCOL_3) {
        return authenticate(parameters(body));
      } else {
        out.fatal("0A000", "unsupported frontend protocol " + (code >>> 16) + "."
            + (code & 0xffff) + ": pmsql speaks protocol 3.0");
        return null;
      }
    }
  }

  private void startTls() throws IOException {
    SSLSocket tls = (SSLSocket) server.settings().tls().getSocketFactory()
        .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    tls.setUseClientMode(false);
    tls.setSoTimeout(STARTUP_SECONDS * 1000);
    tls.startHandshake();
    socket = tls;
    in = new Frontend(tls, tls.getInputStream());
    out = new Backend(new BufferedOutputStream(tls.getOutputStream(), 8192));
  }

  private static Map<String, String> parameters(Frontend.Body body) {
    Map<String, String> parameters = new LinkedHashMap<>();
    while (body.remaining() > 0) {
      String name = body.cstring();
      if (name.isEmpty()) {
        break;
      }
      parameters.put(name, body.cstring());
    }
    return parameters;
  }

  private Client authenticate(Map<String, String> startup) throws IOException {
    user = startup.get("user");
    if (user == null || user.isEmpty()) {
      out.fatal("28000", "no PostgreSQL user name specified in startup packet");
      return null;
    }
    List<UsersFile.User> users = server.settings().users();
    Caller caller;
    if (users == null) {
      caller = Caller.ANONYMOUS;
    } else {
      if (server.failedLogins().refused(address(), user)) {
        out.fatal("28P01", "too many failed logins from this address or for this user; try"
            + " again later");
        return null;
      }
      UsersFile.User known = users.stream().filter(u -> u.name().equals(user)).findFirst()
          .orElse(null);
      if (known != null && known.hashed()) {
        checkCleartext(known);
      } else {
        scram(known);
      }
      caller = new Caller(user, known.roles().contains(LogRequests.ROLE));
    }
    out.begin('R').int32(0).end();
    return new Client(socket, in, out, user, caller, startup);
  }

  /** SCRAM-SHA-256; a user not in the file fails the same way as a wrong password. */
  private void scram(UsersFile.User known) throws IOException {
    Scram scram = known == null ? server.scramKeys().unknown(user)
        : server.scramKeys().of(known.name(), known.password());
    out.begin('R').int32(10).cstring(Scram.MECHANISM).int8(0).end();
    out.flush();
    Frontend.Body initial = password();
    String mechanism = initial.cstring();
    if (!mechanism.equals(Scram.MECHANISM)) {
      throw new Scram.AuthenticationFailure("unknown mechanism " + mechanism);
    }
    int length = initial.int32();
    if (length < 0 || length > initial.remaining()) {
      throw new Frontend.ProtocolViolation("SASLInitialResponse of " + length + " bytes");
    }
    byte[] first = new byte[length];
    for (int i = 0; i < length; i++) {
      first[i] = initial.int8();
    }
    String serverFirst = scram.serverFirst(new String(first, StandardCharsets.UTF_8));
    out.begin('R').int32(11).bytes(serverFirst.getBytes(StandardCharsets.UTF_8)).end();
    out.flush();
    Frontend.Body response = password();
    byte[] finalMessage = new byte[response.remaining()];
    for (int i = 0; i < finalMessage.length; i++) {
      finalMessage[i] = response.int8();
    }
    String serverFinal = scram.serverFinal(new String(finalMessage, StandardCharsets.UTF_8));
    if (known == null) {
      throw new Scram.AuthenticationFailure("no such user");
    }
    out.begin('R').int32(12).bytes(serverFinal.getBytes(StandardCharsets.UTF_8)).end();
  }

  /**
   * A password the users file keeps only hashed (MD5:) cannot take part in SCRAM: it is asked
   * in clear text, which only TLS may carry.
   */
  private void checkCleartext(UsersFile.User known) throws IOException {
    if (!(socket instanceof SSLSocket)) {
      out.fatal("28000", "user \"" + user + "\" has a hashed password in the users file, which"
          + " only TLS may carry (sslmode=require); or give the user a plain password for"
          + " SCRAM-SHA-256");
      throw new EOFException();
    }
    if (!known.password().startsWith("MD5:")) {
      out.fatal("28000", "user \"" + user + "\" has a CRYPT: password, which the PostgreSQL"
          + " protocol cannot check; give it plain or MD5:");
      throw new EOFException();
    }
    out.begin('R').int32(3).end();
    out.flush();
    Frontend.Body body = password();
    String given = body.cstring();
    String md5;
    try {
      md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
          .digest(given.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    if (!MessageDigest.isEqual(md5.getBytes(StandardCharsets.US_ASCII),
        known.password().substring(4).toLowerCase(Locale.ROOT)
            .getBytes(StandardCharsets.US_ASCII))) {
      throw new Scram.AuthenticationFailure("wrong password");
    }
  }

  private Frontend.Body password() throws IOException {
    Frontend.Message m = in.next(TimeUnit.SECONDS.toMillis(STARTUP_SECONDS));
    if (m == null) {
      throw new EOFException();
    }
    if (m.type() != 'p') {
      throw new Frontend.ProtocolViolation("expected a password message, got '"
          + Frontend.printable(m.type()) + "'");
    }
    return new Frontend.Body('p', m.body());
  }

  private String address() {
    return socket.getInetAddress().getHostAddress();
  }
}
