package org.pmsql.archive.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.pmsql.archive.source.DaemonThreads;
import org.tukaani.xz.SeekableFileInputStream;
import org.tukaani.xz.SeekableInputStream;
import org.tukaani.xz.SeekableXZInputStream;

/**
 * An .xz file read in place. xz files written in blocks (pmlogger_daily uses 10 MiB blocks)
 * allow a seek to decompress only the block holding the wanted offset, as libpcp's io_xz does,
 * and let the blocks ahead of a reader be decompressed on the other cores while it decodes the
 * current one. At most {@link #READ_AHEAD} + 1 blocks are held, so memory stays bounded;
 * single-block files (or blocks too large to hold) are streamed instead.
 */
final class XzByteSource implements ByteSource {
  private static final int READ_AHEAD = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final long MAX_HELD_BLOCK = 64L << 20;
  private static final ExecutorService DECODERS = Executors.newCachedThreadPool(
      DaemonThreads.named("pmsql-xz-decoder"));

  private final String name;
  private final Path file;
  private final SeekableXZInputStream in;
  private final long[] blockStarts;
  private final boolean blockwise;
  private final Map<Integer, CompletableFuture<byte[]>> blocks = new HashMap<>();
  private final Deque<SeekableXZInputStream> idleDecoders = new ArrayDeque<>();
  private long position;
  private boolean closed;

  XzByteSource(String name, Path file) throws IOException {
    this.name = name;
    this.file = file;
    this.in = decoder(file);
    int count = in.getBlockCount();
    this.blockStarts = new long[count + 1];
    boolean small = count > 1;
    for (int i = 0; i < count; i++) {
      blockStarts[i] = in.getBlockPos(i);
      small &= in.getBlockSize(i) <= MAX_HELD_BLOCK;
    }
    blockStarts[count] = in.length();
    this.blockwise = small;
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
    return blockwise ? readBlockwise(pos, dst, off, len) : readStreaming(pos, dst, off, len);
  }

  private int readStreaming(long pos, byte[] dst, int off, int len) throws IOException {
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

  private int readBlockwise(long pos, byte[] dst, int off, int len) throws IOException {
    int total = 0;
    while (total < len && pos + total < size()) {
      long at = pos + total;
      int block = blockOf(at);
      byte[] data = block(block);
      int from = (int) (at - blockStarts[block]);
      int n = Math.min(len - total, data.length - from);
      System.arraycopy(data, from, dst, off + total, n);
      total += n;
    }
    return total;
  }

  /** The decoded block, with the following ones started and the ones before it released. */
  private byte[] block(int block) throws IOException {
    blocks.keySet().removeIf(b -> b < block || b > block + READ_AHEAD);
    for (int b = block; b <= Math.min(block + READ_AHEAD, blockStarts.length - 2); b++) {
      blocks.computeIfAbsent(b, this::decodeAsync);
    }
    try {
      return blocks.get(block).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(name + ": interrupted while decompressing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
      throw cause instanceof IOException io ? io : new IOException(name + ": " + cause, cause);
    }
  }

  private CompletableFuture<byte[]> decodeAsync(int block) {
    return CompletableFuture.supplyAsync(() -> {
      SeekableXZInputStream decoder = borrowDecoder();
      try {
        byte[] data = new byte[(int) (blockStarts[block + 1] - blockStarts[block])];
        decoder.seekToBlock(block);
        int done = 0;
        while (done < data.length) {
          int n = decoder.read(data, done, data.length - done);
          if (n < 0) {
            throw new IOException(name + ": xz block " + block + " ends early");
          }
          done += n;
        }
        returnDecoder(decoder);
        return data;
      } catch (IOException e) {
        closeQuietly(decoder);
        throw new UncheckedIOException(e);
      }
    }, DECODERS);
  }

  /**
   * A decoder whose dictionary (8 MiB for xz's default preset) comes from, and on close goes
   * back to, {@link DictionaryCache}: many scans of .xz volumes one after another, as a server
   * runs, would otherwise allocate one per opened volume.
   */
  private static SeekableXZInputStream decoder(Path file) throws IOException {
    SeekableInputStream in = file.getFileSystem() == FileSystems.getDefault()
        ? new SeekableFileInputStream(file.toFile())
        : new ChannelSeekableInput(Files.newByteChannel(file));
    return new SeekableXZInputStream(in, -1, true, DictionaryCache.INSTANCE);
  }

  /** Each decoding thread needs a stream of its own; they are reused between blocks. */
  private SeekableXZInputStream borrowDecoder() {
    synchronized (idleDecoders) {
      if (!idleDecoders.isEmpty()) {
        return idleDecoders.pop();
      }
    }
    try {
      return decoder(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void returnDecoder(SeekableXZInputStream decoder) {
    synchronized (idleDecoders) {
      if (!closed) {
        idleDecoders.push(decoder);
        return;
      }
    }
    closeQuietly(decoder);
  }

  private int blockOf(long pos) {
    int lo = 0;
    int hi = blockStarts.length - 2;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (blockStarts[mid] <= pos) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private static void closeQuietly(SeekableXZInputStream s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Closing a read-only stream cannot lose data.
    }
  }

  @Override
  public void close() throws IOException {
    synchronized (idleDecoders) {
      closed = true;
      idleDecoders.forEach(XzByteSource::closeQuietly);
      idleDecoders.clear();
    }
    blocks.clear();
    in.close();
  }
}
