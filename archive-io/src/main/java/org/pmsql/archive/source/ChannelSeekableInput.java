package org.pmsql.archive.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.tukaani.xz.SeekableInputStream;

/**
 * xz's seekable input over a channel, for files that are not on the default file system (a
 * Hadoop path as java.nio sees it), where xz's own file stream cannot go.
 */
final class ChannelSeekableInput extends SeekableInputStream {
  private final SeekableByteChannel channel;
  private final byte[] one = new byte[1];

  ChannelSeekableInput(SeekableByteChannel channel) {
    this.channel = channel;
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return channel.read(ByteBuffer.wrap(b, off, len));
  }

  @Override
  public long length() throws IOException {
    return channel.size();
  }

  @Override
  public long position() throws IOException {
    return channel.position();
  }

  @Override
  public void seek(long pos) throws IOException {
    channel.position(pos);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
