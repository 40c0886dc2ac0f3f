package org.pmsql.archive.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An archive file is damaged or is not a PCP archive. Names the file and the byte offset of the
 * damage so a user can look at it with a hex dump; everything before that offset was readable.
 */
public final class ArchiveFormatException extends IOException {
  private final String file;
  private final long offset;

  public ArchiveFormatException(String file, long offset, String reason) {
    super(file + ": at byte offset " + offset + ": " + reason);
    this.file = file;
    this.offset = offset;
  }

  public ArchiveFormatException(Path file, long offset, String reason) {
    this(file.toString(), offset, reason);
  }

  public String file() {
    return file;
  }

  public long offset() {
    return offset;
  }
}
