package org.pmsql.archive.source;

import java.io.Closeable;
import java.io.IOException;

/**
 * Random access to the (decompressed) bytes of one archive file. Readers stream through it in
 * bounded buffers; nothing here ever holds a whole volume in memory.
 */
public interface ByteSource extends Closeable {
  /** The file's name as the user knows it, for error messages. */
  String name();

  /** Length of the decompressed content in bytes. */
  long size() throws IOException;

  /**
   * Reads up to {@code len} bytes at {@code position}; returns the number read, fewer only at the
   * end of the content.
   */
  int read(long position, byte[] dst, int off, int len) throws IOException;
}
