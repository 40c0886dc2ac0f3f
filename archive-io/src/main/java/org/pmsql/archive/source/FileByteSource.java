package org.pmsql.archive.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An uncompressed file read with positional reads, so readers of one file never share a cursor. */
final class FileByteSource implements ByteSource {
  private final String name;
  private final FileChannel channel;
  private final Runnable onClose;

  FileByteSource(String name, Path file, Runnable onClose) throws IOException {
    this.name = name;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.onClose = onClose;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public int read(long position, byte[] dst, int off, int len) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(dst, off, len);
    int total = 0;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + total);
      if (n < 0) {
        break;
      }
      total += n;
    }
    return total;
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      onClose.run();
    }
  }
}
