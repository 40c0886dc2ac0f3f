package org.pmsql.archive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.Label;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.MetadataReader;
import org.pmsql.archive.format.RecordStream;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.archive.format.TemporalIndex;
import org.pmsql.archive.source.ArchiveFormatException;
import org.pmsql.archive.source.ByteSource;
import org.pmsql.archive.source.ByteSources;

/**
 * One archive: a .meta file, an optional .index and data volumes .0, .1, ..., any of them
 * compressed. Opening reads the label and the metadata (as libpcp does); an archive described
 * by the catalog reads its metadata only when first needed. Volumes are opened one at a time
 * by a {@link ArchiveCursor}.
 */
public final class Archive {
  private final ArchiveFiles files;
  private final Label label;
  /** Each metric's names, as the catalog has them; null when the metadata was read. */
  private final List<List<String>> cataloguedMetrics;
  private volatile ArchiveMetadata metadata;
  private TemporalIndex index;
  private long endNanos;

  private Archive(ArchiveFiles files, Label label, ArchiveMetadata metadata,
      List<List<String>> cataloguedMetrics, long endNanos) {
    this.files = files;
    this.label = label;
    this.metadata = metadata;
    this.cataloguedMetrics = cataloguedMetrics;
    this.endNanos = endNanos;
  }

  /** Opens the archive named by its base path or by any of its files. */
  public static Archive open(Path path) throws IOException {
    return open(ArchiveFiles.find(ArchiveFiles.baseOf(path)));
  }

  /** Opens the archive these files make up (the label and metadata read). */
  public static Archive open(ArchiveFiles files) throws IOException {
    if (files.meta() == null) {
      throw new ArchiveFormatException(files.base().toString() + ".meta", 0,
          "no such archive (no .meta file)");
    }
    try (ByteSource source = ByteSources.open(files.meta())) {
      Label label = readMetaLabel(source);
      if (files.index() != null) {
        checkCompanionLabel(files.index(), label, Label.INDEX_VOLUME);
      }
      return new Archive(files, label, readMetadata(files, source, label), null,
          Long.MIN_VALUE);
    }
  }

  /**
   * An archive as a catalog describes it: its label, end time and metric names known, its
   * metadata read when first asked for.
   */
  public static Archive described(ArchiveFiles files, Label label, long endNanos,
      List<List<String>> metricNames) {
    return new Archive(files, label, null, metricNames, endNanos);
  }

  /** The metadata after the label, large files' instance domains decoded when first used. */
  private static ArchiveMetadata readMetadata(ArchiveFiles files, ByteSource source,
      Label label) throws IOException {
    return MetadataReader.read(source, label, () -> ByteSources.open(files.meta()));
  }

  private static Label readMetaLabel(ByteSource source) throws IOException {
    Label label = readLabel(source);
    if (label.volume() != Label.META_VOLUME) {
      throw new ArchiveFormatException(source.name(), 20,
          "label says volume " + label.volume() + ", expected the .meta file's -1");
    }
    return label;
  }

  /**
   * Opens an archive, or returns the one this process opened before if none of its files has
   * changed (same names, sizes, modification times and inodes): a server opens the same
   * archives for every connection. Otherwise {@code opener} opens it: a catalog describes an
   * archive it knows without reading it. The archives kept are bounded ({@link #REMEMBERED}):
   * a server over a fleet's years of archives would otherwise hold every one it ever opened.
   */
  public static Archive reuse(ArchiveFiles files, ArchiveOpener opener) throws IOException {
    Archive known = OPENED.get(files.base());
    if (known != null && known.files.equals(files)) {
      return known;
    }
    Archive archive = opener.open(files);
    OPENED.put(files.base(), archive);
    return archive;
  }

  /** How many archives a process keeps for reuse, the least recently used forgotten first. */
  private static final int REMEMBERED = 10_000;
  private static final Map<Path, Archive> OPENED = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Archive> eldest) {
          return size() > REMEMBERED;
        }
      });

  /** Every file of an archive carries the same label but for its volume number. */
  private static void checkCompanionLabel(Path file, Label archive, int volume)
      throws IOException {
    try (ByteSource source = ByteSources.open(file)) {
      Label label = readLabel(source);
      if (label.version() != archive.version() || label.pid() != archive.pid()
          || !label.hostname().equals(archive.hostname()) || label.volume() != volume) {
        throw new ArchiveFormatException(source.name(), 0,
            "label does not match the archive's .meta label");
      }
    }
  }

  static Label readLabel(ByteSource source) throws IOException {
    byte[] b = new byte[Label.MAX_LENGTH];
    int n = source.read(0, b, 0, b.length);
    return Label.decode(b, n, source.name());
  }

  public Path base() {
    return files.base();
  }

  public Label label() {
    return label;
  }

  public String hostname() {
    return label.hostname();
  }

  public int version() {
    return label.version();
  }

  public long startNanos() {
    return label.startNanos();
  }

  /**
   * The metadata, read now if the archive was described by the catalog; damage found then is
   * thrown as an UncheckedIOException around the ArchiveFormatException ({@link
   * #loadMetadata} throws it as it is).
   */
  public ArchiveMetadata metadata() {
    ArchiveMetadata known = metadata;
    if (known != null) {
      return known;
    }
    try {
      return loadMetadata();
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }

  /** The metadata, read from the .meta file if not yet read. */
  public synchronized ArchiveMetadata loadMetadata() throws IOException {
    if (metadata == null) {
      try (ByteSource source = ByteSources.open(files.meta())) {
        metadata = readMetadata(files, source, readMetaLabel(source));
      }
    }
    return metadata;
  }

  /** Whether its metadata has been read (always, unless the catalog described it). */
  public boolean metadataRead() {
    return metadata != null;
  }

  /** Whether the catalog described it (its metadata unread until needed). */
  public boolean fromCatalog() {
    return cataloguedMetrics != null;
  }

  /**
   * Each metric it describes, as the list of its names in libpcp's order (the first is the
   * name PCP tools report), from the catalog when it described the archive.
   */
  public List<List<String>> metricNameLists() {
    if (cataloguedMetrics != null) {
      return cataloguedMetrics;
    }
    return metadata().descs().stream().filter(d -> !d.names().isEmpty())
        .map(MetricDesc::names).sorted(Comparator.comparing(names -> names.get(0))).toList();
  }

  /** Every name of every metric it describes. */
  public Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    metricNameLists().forEach(names::addAll);
    return names;
  }

  /** Data volume numbers in order; gaps in the numbering are skipped, as libpcp does. */
  public List<Integer> volumeNumbers() {
    return List.copyOf(files.volumes().keySet());
  }

  public Path volumeFile(int volume) {
    return files.volumes().get(volume);
  }

  /** The temporal index, or null when the archive has none (or it is unreadable). */
  public synchronized TemporalIndex index() throws IOException {
    if (index == null && files.index() != null) {
      try (ByteSource source = ByteSources.open(files.index())) {
        Label indexLabel = readLabel(source);
        index = TemporalIndex.read(source, indexLabel);
      }
    }
    return index;
  }

  /** Opens a data volume and checks that its label belongs to this archive. */
  ByteSource openVolume(int volume) throws IOException {
    Path file = files.volumes().get(volume);
    ByteSource source = ByteSources.open(file);
    try {
      Label volumeLabel = readLabel(source);
      if (volumeLabel.version() != label.version() || volumeLabel.pid() != label.pid()
          || !volumeLabel.hostname().equals(label.hostname())) {
        throw new ArchiveFormatException(source.name(), 0,
            "label does not match the archive's .meta label");
      }
      return source;
    } catch (IOException | RuntimeException e) {
      source.close();
      throw e;
    }
  }

  /** The time of the last record (of the last volume that has one). */
  public synchronized long endNanos() throws IOException {
    if (endNanos == Long.MIN_VALUE) {
      endNanos = startNanos();
      for (int volume : files.volumes().descendingKeySet()) {
        long last = lastRecordTime(volume);
        if (last != Long.MIN_VALUE) {
          endNanos = last;
          break;
        }
      }
    }
    return endNanos;
  }

  /**
   * Reads a volume's last record backwards; if its end is damaged, the last record that reads
   * whole going forwards. Long.MIN_VALUE when the volume holds no record.
   */
  private long lastRecordTime(int volume) throws IOException {
    ResultRecord record = new ResultRecord();
    try (ByteSource source = openVolume(volume)) {
      RecordStream records =
          new RecordStream(source, label.length(), ResultRecord.minLength(version()), 1 << 16);
      records.seek(Math.max(records.size(), label.length()));
      try {
        if (!records.previous(label.length())) {
          return Long.MIN_VALUE;
        }
        record.load(records.buffer(), records.recordOffset(), records.recordLength(),
            version(), source.name(), records.recordStart());
        return record.timestampNanos();
      } catch (ArchiveFormatException damagedEnd) {
        long last = Long.MIN_VALUE;
        records.seek(label.length());
        try {
          while (records.next()) {
            record.load(records.buffer(), records.recordOffset(), records.recordLength(),
                version(), source.name(), records.recordStart());
            last = record.timestampNanos();
          }
        } catch (ArchiveFormatException damage) {
          // The damage ends the volume; what came before it stands.
        }
        return last;
      }
    }
  }

  @Override
  public String toString() {
    return files.base().toString();
  }
}
