package org.pmsql.archive.source;

import java.io.IOException;
import java.nio.file.Path;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * An .xz file read in place: xz streams written in blocks (pmlogger_daily uses 10 MiB blocks)
 * allow a seek to decompress only the block that holds the wanted offset, as libpcp's io_xz does.
 */
final class XzByteSource implements ByteSource {
  private final String name;
  private final SeekableXZInputStream in;
  private long position;

  XzByteSource(String name, Path file) throws IOException {
    this.name = name;
    this.in = new SeekableXZInputStream(new SeekableFileInputStream(file.toFile()));
    this.position = 0;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() {
    return in.length();
  }

  @Override
  public synchronized int read(long pos, byte[] dst, int off, int len) throws IOException {
    if (pos != position) {
      in.seek(pos);
      position = pos;
    }
    int total = 0;
    while (total < len) {
      int n = in.read(dst, off + total, len - total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    position += total;
    return total;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
