package org.pmsql.pgwire;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What the server sends, built in one reused buffer: messages are appended with their length
 * filled in when they end, and the buffer goes to the socket when a reply is complete or
 * whenever it holds {@link #FLUSH_BYTES}, so a large result never sits whole in memory.
 */
final class Backend {
  static final int FLUSH_BYTES = 64 * 1024;

  private final OutputStream out;
  private byte[] buf = new byte[FLUSH_BYTES + 1024];
  private int size;
  private int messageStart = -1;

  Backend(OutputStream out) {
    this.out = out;
  }

  /** Starts a message of this type. */
  Backend begin(char type) {
    int8(type);
    messageStart = size;
    int32(0);
    return this;
  }

  /** Ends the message begun last, then sends what is buffered if it is a lot. */
  void end() throws IOException {
    int length = size - messageStart;
    putInt(messageStart, length);
    messageStart = -1;
    if (size >= FLUSH_BYTES) {
      flush();
    }
  }

  void flush() throws IOException {
    if (size > 0) {
      out.write(buf, 0, size);
      size = 0;
    }
    out.flush();
  }

  /** A fatal error the client is told of before the connection closes. */
  void fatal(String code, String message) {
    try {
      begin('E').int8('S').cstring("FATAL").int8('V').cstring("FATAL").int8('C').cstring(code)
          .int8('M').cstring(message).int8(0).end();
      flush();
    } catch (IOException | RuntimeException e) {
      // the client is gone already
    }
  }

  /** A byte written alone, outside any message (the answer to SSLRequest). */
  void raw(char c) throws IOException {
    out.write(c);
    out.flush();
  }

  Backend int8(int b) {
    ensure(1);
    buf[size++] = (byte) b;
    return this;
  }

  Backend int16(int v) {
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  Backend int32(int v) {
    ensure(4);
    putInt(size, v);
    size += 4;
    return this;
  }

  Backend int64(long v) {
    int32((int) (v >>> 32));
    return int32((int) v);
  }

  Backend cstring(String s) {
    bytes(s.getBytes(StandardCharsets.UTF_8));
    return int8(0);
  }

  Backend bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  /** A value: its length, then its bytes; null as length -1. */
  Backend value(byte[] b) {
    if (b == null) {
      return int32(-1);
    }
    int32(b.length);
    return bytes(b);
  }

  /** A whole number as text, as a value, without making a string of it. */
  Backend textLong(long v) {
    int lengthAt = size;
    int32(0);
    if (v == Long.MIN_VALUE) {
      bytes("-9223372036854775808".getBytes(StandardCharsets.US_ASCII));
    } else {
      if (v < 0) {
        int8('-');
        v = -v;
      }
      int digits = 1;
      for (long p = 10; digits < 19 && v >= p; p *= 10) {
        digits++;
      }
      ensure(digits);
      for (int i = size + digits - 1; i >= size; i--) {
        buf[i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      size += digits;
    }
    putInt(lengthAt, size - lengthAt - 4);
    return this;
  }

  /** ASCII text as a value. */
  Backend textAscii(String s) {
    int n = s.length();
    int32(n);
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[size++] = (byte) s.charAt(i);
    }
    return this;
  }

  private void putInt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  private void ensure(int n) {
    if (size + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
    }
  }
}
