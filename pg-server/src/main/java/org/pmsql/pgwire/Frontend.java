package org.pmsql.pgwire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.pmsql.serving.SqlLimits;

/**
 * What a client sends, read with bounds: a length is checked before anything is allocated
 * for it, a message must arrive whole within {@link #MESSAGE_SECONDS} (a client that trickles
 * one holds a thread no longer), and a client silent between messages for the idle timeout is
 * let go.
 */
final class Frontend {
  /** The longest start-up packet: PostgreSQL's own limit. */
  static final int MAX_STARTUP = 10_000;
  /** The longest message: a query of the longest text pmsql takes, with room for parameters. */
  static final int MAX_MESSAGE = 4 * SqlLimits.MAX_CHARS + (1 << 20);
  static final int MESSAGE_SECONDS = 30;
  private static final int POLL_MILLIS = 500;

  /** A message from the client: its type byte and its body. */
  record Message(char type, byte[] body) {}

  private final Socket socket;
  private final PushbackInputStream in;

  Frontend(Socket socket, InputStream in) throws IOException {
    this.socket = socket;
    this.in = new PushbackInputStream(in, 1);
    socket.setSoTimeout(POLL_MILLIS);
  }

  /** The start-up packet's body after its length; null when the client closed at once. */
  byte[] startup(long deadlineNanos) throws IOException {
    byte[] length = new byte[4];
    if (!readFully(length, 0, 4, deadlineNanos, true)) {
      return null;
    }
    int n = int32(length, 0);
    if (n < 8 || n > MAX_STARTUP) {
      throw new ProtocolViolation("start-up packet of " + n + " bytes (at most "
          + MAX_STARTUP + ")");
    }
    byte[] body = new byte[n - 4];
    readFully(body, 0, body.length, deadlineNanos, false);
    return body;
  }

  /**
   * The next message, waiting at most {@code idleMillis} for it (Long.MAX_VALUE: as long as it
   * takes); null when the client left.
   */
  Message next(long idleMillis) throws IOException {
    long waitingSince = System.nanoTime();
    long idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    int type;
    while (true) {
      try {
        type = in.read();
        break;
      } catch (SocketTimeoutException e) {
        // a difference of nanoTimes, which cannot overflow as a sum with a long wait would
        if (System.nanoTime() - waitingSince > idleNanos) {
          throw new IdleTimeout();
        }
      }
    }
    if (type < 0) {
      return null;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MESSAGE_SECONDS);
    byte[] length = new byte[4];
    readFully(length, 0, 4, deadline, false);
    int n = int32(length, 0);
    if (n < 4 || n > MAX_MESSAGE) {
      throw new ProtocolViolation("message '" + printable(type) + "' of " + n
          + " bytes (at most " + MAX_MESSAGE + ")");
    }
    byte[] body = new byte[n - 4];
    readFully(body, 0, body.length, deadline, false);
    return new Message((char) type, body);
  }

  /**
   * Whether the client has closed its side, without waiting: a stream that has nothing to
   * send finds out so that it ends.
   */
  boolean closedByClient() throws IOException {
    socket.setSoTimeout(1);
    try {
      int b = in.read();
      if (b < 0) {
        return true;
      }
      in.unread(b);
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } finally {
      socket.setSoTimeout(POLL_MILLIS);
    }
  }

  private boolean readFully(byte[] into, int from, int length, long deadlineNanos,
      boolean endAllowed) throws IOException {
    int at = from;
    while (at < from + length) {
      int n;
      try {
        n = in.read(into, at, from + length - at);
      } catch (SocketTimeoutException e) {
        if (System.nanoTime() > deadlineNanos) {
          throw new ProtocolViolation("a message took longer than " + MESSAGE_SECONDS
              + " s to arrive");
        }
        continue;
      }
      if (n < 0) {
        if (endAllowed && at == from) {
          return false;
        }
        throw new EOFException("the client closed the connection within a message");
      }
      at += n;
    }
    return true;
  }

  static int int32(byte[] b, int at) {
    return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  static String printable(int type) {
    return type >= 0x20 && type < 0x7f ? String.valueOf((char) type)
        : String.format("\\x%02x", type);
  }

  /** A message body read field by field; a field past its end fails naming the offset. */
  static final class Body {
    private final char type;
    private final byte[] bytes;
    private int at;

    Body(char type, byte[] bytes) {
      this.type = type;
      this.bytes = bytes;
    }

    int int32() {
      need(4);
      int v = Frontend.int32(bytes, at);
      at += 4;
      return v;
    }

    int int16() {
      need(2);
      int v = (bytes[at] & 0xff) << 8 | bytes[at + 1] & 0xff;
      at += 2;
      return v;
    }

    byte int8() {
      need(1);
      return bytes[at++];
    }

    String cstring() {
      for (int i = at; i < bytes.length; i++) {
        if (bytes[i] == 0) {
          String s = new String(bytes, at, i - at, StandardCharsets.UTF_8);
          at = i + 1;
          return s;
        }
      }
      throw new ProtocolViolation("message '" + printable(type) + "': a string at byte "
          + at + " has no terminating zero byte");
    }

    /** A length-prefixed value: null for length -1. */
    byte[] value() {
      int n = int32();
      if (n == -1) {
        return null;
      }
      if (n < 0 || n > bytes.length - at) {
        throw new ProtocolViolation("message '" + printable(type) + "': a value of " + n
            + " bytes at byte " + (at - 4) + " runs past the message's " + bytes.length);
      }
      byte[] v = new byte[n];
      System.arraycopy(bytes, at, v, 0, n);
      at += n;
      return v;
    }

    /** A count of entries that each take at least {@code minBytes}: checked against the rest. */
    int count(int minBytes) {
      int n = int16();
      if (n * (long) minBytes > bytes.length - at) {
        throw new ProtocolViolation("message '" + printable(type) + "': " + n
            + " entries at byte " + (at - 2) + " cannot fit in its " + bytes.length + " bytes");
      }
      return n;
    }

    int remaining() {
      return bytes.length - at;
    }

    private void need(int n) {
      if (bytes.length - at < n) {
        throw new ProtocolViolation("message '" + printable(type) + "' ends at byte "
            + bytes.length + ", a field of " + n + " bytes at " + at + " runs past it");
      }
    }
  }

  /** The client broke the protocol: it gets an ErrorResponse and is disconnected. */
  static final class ProtocolViolation extends RuntimeException {
    ProtocolViolation(String message) {
      super(message);
    }
  }

  /** The client sent nothing for the idle timeout. */
  static final class IdleTimeout extends IOException {
    IdleTimeout() {
      super("idle timeout");
    }
  }
}
