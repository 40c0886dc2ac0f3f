package org.pmsql.archive.follow;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.Label;
import org.pmsql.archive.format.MetadataReader;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.archive.format.TemporalIndex;
import org.pmsql.archive.source.ByteSource;
import org.pmsql.archive.source.ByteSources;

/**
 * Follows one archive while pmlogger writes it, never blocking: {@link #next()} returns the next
 * whole record or false for "nothing new yet". It keeps one offset per file, takes in every new
 * .meta record before reading data, re-reads .meta when a record names a metric not described
 * yet (pmlogger's prologue record precedes its own metadata), moves to volume N+1 once that
 * volume's label is whole, and keeps an opened file open, so a volume compressed or renamed
 * behind it is still read to its end. The temporal index is used only to seek, not to follow.
 */
public final class ArchiveTail implements Closeable {
  /** How long a record naming undescribed metrics waits for their metadata before it passes. */
  private static final long METADATA_GRACE_NANOS = 2_000_000_000L;

  private final Path base;
  private final ArchiveMetadata metadata = new ArchiveMetadata();
  private final ResultRecord record = new ResultRecord();
  private Label label;
  private GrowingRecords meta;
  private GrowingRecords volume;
  private int volumeNumber = -1;
  private long startOffset = -1;
  private long skipBeforeNanos = Long.MIN_VALUE;
  private boolean toEnd;
  private long heldSince;

  public ArchiveTail(Path base) {
    this.base = base;
  }

  public Path base() {
    return base;
  }

  /** The archive's label, once its .meta label is on disk; null before. */
  public Label label() throws IOException {
    if (label == null) {
      label = wholeLabel(componentFile("meta"));
    }
    return label;
  }

  public ArchiveMetadata metadata() {
    return metadata;
  }

  /** The record the last successful {@link #next()} read. */
  public ResultRecord record() {
    return record;
  }

  /** Starts at the first record at or after {@code nanos}, located through the temporal index. */
  public void seek(long nanos) throws IOException {
    skipBeforeNanos = nanos;
    Path indexFile = componentFile("index");
    if (indexFile == null || label() == null) {
      return;
    }
    try (ByteSource source = ByteSources.open(indexFile)) {
      TemporalIndex index = TemporalIndex.read(source, label);
      int entry = index.lastBefore(nanos);
      if (entry >= 0 && componentFile(Integer.toString(index.volume(entry))) != null) {
        volumeNumber = index.volume(entry);
        startOffset = index.dataOffset(entry);
      }
    }
  }

  /** Starts after the last whole record on disk now: only what is written from here on. */
  public void seekToEnd() throws IOException {
    toEnd = true;
    seek(Long.MAX_VALUE);
    skipBeforeNanos = Long.MIN_VALUE;
  }

  /** Reads the next whole record; false when none is on disk yet. */
  public boolean next() throws IOException {
    if (label() == null) {
      return false;
    }
    drainMeta();
    while (true) {
      if (volume == null && !openVolume(firstVolume())) {
        return false;
      }
      if (volume.next()) {
        record.load(volume.buffer(), 0, volume.recordLength(), label.version(), volume.name(),
            volume.recordStart());
        if (!described() && waitForMetadata()) {
          volume.unread();
          return false;
        }
        heldSince = 0;
        if (toEnd || record.timestampNanos() < skipBeforeNanos) {
          continue;
        }
        return true;
      }
      if (!volumeReady(volumeNumber + 1)) {
        toEnd = false;
        return false;
      }
      if (volume.next()) {
        // pmlogger closes volume N before it labels N+1: what N gained meanwhile comes first
        volume.unread();
        continue;
      }
      openVolume(volumeNumber + 1);
    }
  }

  /** Whether every metric the record names has its descriptor; reads new .meta when not. */
  private boolean described() throws IOException {
    if (allDescribed()) {
      return true;
    }
    drainMeta();
    return allDescribed();
  }

  private boolean allDescribed() {
    for (int set = 0; set < record.setCount(); set++) {
      if (metadata.desc(record.pmid(set)) == null) {
        return false;
      }
    }
    return true;
  }

  private boolean waitForMetadata() {
    long now = System.nanoTime();
    if (heldSince == 0) {
      heldSince = now;
    }
    return now - heldSince < METADATA_GRACE_NANOS;
  }

  private void drainMeta() throws IOException {
    if (meta == null) {
      meta = new GrowingRecords(ByteSources.open(componentFile("meta")), label.length(),
          MetadataReader.MIN_RECORD);
    }
    while (meta.next()) {
      MetadataReader.apply(metadata, meta.buffer(), 0, meta.recordLength(), meta.name(),
          meta.recordStart());
    }
  }

  private int firstVolume() throws IOException {
    if (volumeNumber >= 0) {
      return volumeNumber;
    }
    for (int n = 0; n < 1000; n++) {
      if (componentFile(Integer.toString(n)) != null) {
        return n;
      }
    }
    return 0;
  }

  private boolean volumeReady(int n) throws IOException {
    return wholeLabel(componentFile(Integer.toString(n))) != null;
  }

  /** Opens volume {@code n} once its label is whole; false when it is not there yet. */
  private boolean openVolume(int n) throws IOException {
    Path file = componentFile(Integer.toString(n));
    if (file == null) {
      return false;
    }
    ByteSource source = ByteSources.open(file);
    Label volumeLabel = wholeLabel(source);
    if (volumeLabel == null) {
      source.close();
      return false;
    }
    if (volumeLabel.volume() != n || volumeLabel.version() != label.version()) {
      source.close();
      throw new ArchiveFormatException(file.toString(), 0,
          "label says volume " + volumeLabel.volume() + " of a v" + volumeLabel.version()
              + " archive, expected volume " + n + " of a v" + label.version() + " archive");
    }
    if (volume != null) {
      volume.close();
    }
    long start = n == volumeNumber && startOffset >= volumeLabel.length()
        ? startOffset : volumeLabel.length();
    volume = new GrowingRecords(source, start, ResultRecord.minLength(label.version()));
    volumeNumber = n;
    startOffset = -1;
    return true;
  }

  /** The file of an archive component (meta, index, a volume number), plain or compressed. */
  private Path componentFile(String component) {
    Path plain = base.resolveSibling(base.getFileName() + "." + component);
    if (Files.exists(plain)) {
      return plain;
    }
    for (String suffix : ByteSources.COMPRESSED_SUFFIXES) {
      Path compressed = base.resolveSibling(plain.getFileName() + suffix);
      if (Files.exists(compressed)) {
        return compressed;
      }
    }
    return null;
  }

  /** The label of an archive file, or null while it is not all on disk. */
  static Label wholeLabel(Path file) throws IOException {
    if (file == null) {
      return null;
    }
    try (ByteSource source = ByteSources.open(file)) {
      return wholeLabel(source);
    } catch (NoSuchFileException renamedMeanwhile) {
      return null;
    }
  }

  private static Label wholeLabel(ByteSource source) throws IOException {
    long size = source.size();
    if (size < 8) {
      return null;
    }
    byte[] b = new byte[Label.MAX_LENGTH];
    int n = source.read(0, b, 0, b.length);
    int expected = Label.lengthOf(b, n, source.name());
    return n < expected ? null : Label.decode(b, n, source.name());
  }

  @Override
  public void close() throws IOException {
    if (meta != null) {
      meta.close();
    }
    if (volume != null) {
      volume.close();
    }
  }
}
