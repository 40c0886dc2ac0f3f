package org.pmsql.spark.hadoop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * A Hadoop file read at positions: each read is one positioned (ranged) read of the bytes asked
 * for, as archive-io asks for a record or a compressed block; nothing is written.
 */
final class HadoopReadChannel extends FileChannel {
  private final FSDataInputStream in;
  private final long size;
  private long position;

  HadoopReadChannel(FSDataInputStream in, long size) {
    this.in = in;
    this.size = size;
  }

  @Override
  public int read(ByteBuffer dst, long at) throws IOException {
    if (at >= size) {
      return -1;
    }
    int length = (int) Math.min(dst.remaining(), size - at);
    // straight into the caller's buffer when it has an array, as archive-io's buffers do
    byte[] bytes = dst.hasArray() ? dst.array() : new byte[length];
    int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
    int done = 0;
    while (done < length) {
      int n = in.read(at + done, bytes, offset + done, length - done);
      if (n < 0) {
        break;
      }
      done += n;
    }
    if (dst.hasArray()) {
      dst.position(dst.position() + done);
    } else {
      dst.put(bytes, 0, done);
    }
    return done == 0 && length > 0 ? -1 : done;
  }

  @Override
  public synchronized int read(ByteBuffer dst) throws IOException {
    int n = read(dst, position);
    if (n > 0) {
      position += n;
    }
    return n;
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    long total = 0;
    for (int i = offset; i < offset + length; i++) {
      int n = read(dsts[i]);
      if (n < 0) {
        return total == 0 ? -1 : total;
      }
      total += n;
      if (dsts[i].hasRemaining()) {
        break;
      }
    }
    return total;
  }

  @Override
  public synchronized long position() {
    return position;
  }

  @Override
  public synchronized FileChannel position(long newPosition) {
    position = newPosition;
    return this;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public int write(ByteBuffer src) {
    throw new NonWritableChannelException();
  }

  @Override
  public long write(ByteBuffer[] srcs, int offset, int length) {
    throw new NonWritableChannelException();
  }

  @Override
  public int write(ByteBuffer src, long at) {
    throw new NonWritableChannelException();
  }

  @Override
  public FileChannel truncate(long newSize) {
    throw new NonWritableChannelException();
  }

  @Override
  public void force(boolean metaData) {
    // nothing written
  }

  @Override
  public long transferTo(long at, long count, WritableByteChannel target) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(count, 1 << 16));
    long done = 0;
    while (done < count) {
      buffer.clear().limit((int) Math.min(buffer.capacity(), count - done));
      int n = read(buffer, at + done);
      if (n <= 0) {
        break;
      }
      buffer.flip();
      while (buffer.hasRemaining()) {
        target.write(buffer);
      }
      done += n;
    }
    return done;
  }

  @Override
  public long transferFrom(ReadableByteChannel src, long at, long count) {
    throw new NonWritableChannelException();
  }

  @Override
  public MappedByteBuffer map(MapMode mode, long at, long length) {
    throw new UnsupportedOperationException("pcp: Hadoop files are read, not mapped");
  }

  @Override
  public FileLock lock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("pcp: Hadoop files are not locked");
  }

  @Override
  public FileLock tryLock(long at, long length, boolean shared) {
    throw new UnsupportedOperationException("pcp: Hadoop files are not locked");
  }

  @Override
  protected void implCloseChannel() throws IOException {
    in.close();
  }
}
