package org.pmsql.archive;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.RecordStream;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.archive.format.TemporalIndex;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSource;

/**
 * Walks the records of a time-ordered list of archives, forwards or backwards, holding one
 * volume open at a time. Between two archives it produces a mark record one millisecond after
 * the earlier one ends, as libpcp does in a multi-archive context, so a gap is never mistaken
 * for continuous data.
 *
 * <p>The cursor sits between records, like a {@link java.util.ListIterator}: {@link #next()}
 * reads the record after it, {@link #previous()} the record before it. After either call the
 * record's fields are available until the next call.
 */
public final class ArchiveCursor implements RecordCursor {
  private static final long MARK_GAP_NANOS = 1_000_000L;

  private final List<Archive> archives;
  private final ResultRecord record = new ResultRecord();
  private int archiveIndex;
  private int volumeSlot;
  /** Where in the volume at {@link #volumeSlot} the cursor is when no stream is open. */
  private boolean atVolumeEnd;
  private ByteSource volume;
  private RecordStream stream;
  private boolean syntheticMark;
  private long markNanos;
  private Archive current;
  private long recordsRead;
  private Consumer<ArchiveFormatException> damageHandler;

  ArchiveCursor(List<Archive> archives) {
    this.archives = archives;
    this.archiveIndex = 0;
    this.volumeSlot = 0;
  }

  /** Moves to the next record; false at the end of the last archive. */
  @Override
  public boolean next() throws IOException {
    while (archiveIndex < archives.size()) {
      Archive archive = archives.get(archiveIndex);
      List<Integer> volumes = archive.volumeNumbers();
      if (volumeSlot < 0) {
        volumeSlot = 0;
        atVolumeEnd = false;
      }
      if (volumeSlot < volumes.size()) {
        try {
          RecordStream records = stream(archive, volumes.get(volumeSlot));
          if (records.next()) {
            return loaded(archive, records);
          }
        } catch (ArchiveFormatException damage) {
          if (damageHandler == null) {
            throw damage;
          }
          // The rest of this archive is unreadable: report it and go on with the next one.
          damageHandler.accept(damage);
          closeVolume();
          volumeSlot = volumes.size();
          continue;
        }
        closeVolume();
        volumeSlot++;
        atVolumeEnd = false;
        continue;
      }
      closeVolume();
      if (archiveIndex + 1 < archives.size()) {
        markNanos = archive.endNanos() + MARK_GAP_NANOS;
        archiveIndex++;
        volumeSlot = 0;
        atVolumeEnd = false;
        current = archive;
        syntheticMark = true;
        return true;
      }
      return false;
    }
    return false;
  }

  /** Moves to the previous record; false at the start of the first archive. */
  public boolean previous() throws IOException {
    while (archiveIndex >= 0 && archiveIndex < archives.size()) {
      Archive archive = archives.get(archiveIndex);
      List<Integer> volumes = archive.volumeNumbers();
      if (volumeSlot >= volumes.size()) {
        volumeSlot = volumes.size() - 1;
        atVolumeEnd = true;
      }
      if (volumeSlot >= 0) {
        RecordStream records = stream(archive, volumes.get(volumeSlot));
        if (records.previous(archive.label().length())) {
          return loaded(archive, records);
        }
        closeVolume();
        volumeSlot--;
        atVolumeEnd = true;
        continue;
      }
      closeVolume();
      if (archiveIndex > 0) {
        Archive earlier = archives.get(archiveIndex - 1);
        markNanos = earlier.endNanos() + MARK_GAP_NANOS;
        archiveIndex--;
        volumeSlot = earlier.volumeNumbers().size() - 1;
        atVolumeEnd = true;
        current = earlier;
        syntheticMark = true;
        return true;
      }
      return false;
    }
    return false;
  }

  /**
   * Positions the cursor so that {@link #next()} returns the first record at or after
   * {@code nanos}: the archive by its start time, then the volume and offset from the temporal
   * index, then a short forward scan.
   */
  public void seek(long nanos) throws IOException {
    closeVolume();
    int target = 0;
    for (int i = 1; i < archives.size(); i++) {
      if (archives.get(i).startNanos() <= nanos) {
        target = i;
      }
    }
    Archive archive = archives.get(target);
    archiveIndex = target;
    volumeSlot = 0;
    atVolumeEnd = false;
    long offset = -1;
    TemporalIndex index = archive.index();
    if (index != null) {
      int entry = index.lastBefore(nanos);
      List<Integer> volumes = archive.volumeNumbers();
      while (entry >= 0) {
        int slot = volumes.indexOf(index.volume(entry));
        if (slot >= 0 && index.dataOffset(entry) >= archive.label().length()) {
          volumeSlot = slot;
          offset = index.dataOffset(entry);
          break;
        }
        entry--;
      }
    }
    if (offset >= 0) {
      RecordStream records = stream(archive, archive.volumeNumbers().get(volumeSlot));
      if (offset <= records.size()) {
        records.seek(offset);
      }
    }
    while (next()) {
      if (timestampNanos() >= nanos) {
        previous();
        return;
      }
    }
  }

  /** Positions the cursor after the last record, for reading backwards. */
  public void seekToEnd() throws IOException {
    closeVolume();
    archiveIndex = archives.size() - 1;
    volumeSlot = archives.get(archiveIndex).volumeNumbers().size();
  }

  private boolean loaded(Archive archive, RecordStream records) throws IOException {
    recordsRead++;
    current = archive;
    syntheticMark = false;
    record.load(records.buffer(), records.recordOffset(), records.recordLength(),
        archive.version(), volume.name(), records.recordStart());
    return true;
  }

  /** The stream of a volume, opened on first use at the start or end the cursor is at. */
  private RecordStream stream(Archive archive, int volumeNumber) throws IOException {
    if (stream == null) {
      // an archive the catalog described is read only now, when a record of it is wanted
      archive.loadMetadata();
      volume = archive.openVolume(volumeNumber);
      int labelLength = archive.label().length();
      stream = new RecordStream(volume, labelLength, ResultRecord.minLength(archive.version()));
      stream.seek(atVolumeEnd ? Math.max(volume.size(), labelLength) : labelLength);
    }
    return stream;
  }

  private void closeVolume() throws IOException {
    stream = null;
    if (volume != null) {
      ByteSource v = volume;
      volume = null;
      v.close();
    }
  }

  @Override
  public long timestampNanos() {
    return syntheticMark ? markNanos : record.timestampNanos();
  }

  @Override
  public boolean isMark() {
    return syntheticMark || record.isMark();
  }

  /** True for a mark this cursor made between two archives (there is no record behind it). */
  public boolean isSyntheticMark() {
    return syntheticMark;
  }

  /** The current record; its contents are meaningless on a synthetic mark. */
  @Override
  public ResultRecord record() {
    return record;
  }

  /** The archive the current record came from. */
  public Archive archive() {
    return current;
  }

  @Override
  public ArchiveMetadata metadata() {
    return current.metadata();
  }

  /** The file the current record was read from, for error messages. */
  public String fileName() {
    return volume == null ? current.toString() : volume.name();
  }

  /**
   * Instead of failing at damage while reading forwards, hand the error to {@code handler} and
   * continue with the next archive (after the mark between them): the whole records before the
   * damage are kept, and one bad file does not hide a host's other archives.
   */
  public void onDamageSkipArchive(Consumer<ArchiveFormatException> handler) {
    this.damageHandler = handler;
  }

  /** Records read from disk so far, seeks included: what a scan or seek has cost. */
  public long recordsRead() {
    return recordsRead;
  }

  @Override
  public void close() throws IOException {
    closeVolume();
  }
}
