package org.pmsql.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.Label;
import org.pmsql.archive.format.MetadataReader;
import org.pmsql.archive.format.RecordStream;
import org.pmsql.archive.format.ResultRecord;
import org.pmsql.archive.format.TemporalIndex;
import org.pmsql.archive.source.ByteSource;
import org.pmsql.archive.source.ByteSources;

/**
 * One archive: a .meta file, an optional .index and data volumes .0, .1, ..., any of them
 * compressed. Opening reads the label and the metadata (as libpcp does); volumes are opened
 * one at a time by a {@link ArchiveCursor}.
 */
public final class Archive {
  /** {@code <base>.<number|meta|index>[.<compression>]}, as libpcp's __pmLogFindOpen accepts. */
  private static final Pattern COMPONENT =
      Pattern.compile("(.+)\\.(\\d+|meta|index)(\\.(?:lzma|bz2|zst|xz|bz|gz|Z|z))?");

  private final Path base;
  private final Label label;
  private final Path metaFile;
  private final Path indexFile;
  private final TreeMap<Integer, Path> volumes;
  private final ArchiveMetadata metadata;
  private TemporalIndex index;
  private long endNanos = Long.MIN_VALUE;

  private Archive(Path base, Label label, Path metaFile, Path indexFile,
      TreeMap<Integer, Path> volumes, ArchiveMetadata metadata) {
    this.base = base;
    this.label = label;
    this.metaFile = metaFile;
    this.indexFile = indexFile;
    this.volumes = volumes;
    this.metadata = metadata;
  }

  /** Opens the archive named by its base path or by any of its files. */
  public static Archive open(Path path) throws IOException {
    return open(Components.find(baseOf(path)));
  }

  private static Archive open(Components files) throws IOException {
    if (files.meta() == null) {
      throw new ArchiveFormatException(files.base().toString() + ".meta", 0,
          "no such archive (no .meta file)");
    }
    Label label;
    try (ByteSource source = ByteSources.open(files.meta())) {
      label = readLabel(source);
      if (label.volume() != Label.META_VOLUME) {
        throw new ArchiveFormatException(source.name(), 20,
            "label says volume " + label.volume() + ", expected the .meta file's -1");
      }
      if (files.index() != null) {
        checkCompanionLabel(files.index(), label, Label.INDEX_VOLUME);
      }
      ArchiveMetadata metadata = MetadataReader.read(source, label);
      return new Archive(files.base(), label, files.meta(), files.index(), files.volumes(),
          metadata);
    }
  }

  /**
   * Opens an archive, or returns the one this process opened before if none of its files has
   * changed (same names, sizes and modification times): an archive's metadata is read whole
   * at open, and a server opens the same archives for every connection.
   */
  public static Archive reuse(Path base) throws IOException {
    Components files = Components.find(base);
    Opened known = OPENED.get(files.base());
    if (known != null && known.files().equals(files)) {
      return known.archive();
    }
    Archive archive = open(files);
    OPENED.put(files.base(), new Opened(files, archive));
    return archive;
  }

  private record Opened(Components files, Archive archive) {}

  private static final Map<Path, Opened> OPENED = new ConcurrentHashMap<>();

  /**
   * An archive's files as found in its directory, with each file's size and modification time
   * (which say whether an archive opened before is still the same).
   */
  private record Components(Path base, Path meta, Path index, TreeMap<Integer, Path> volumes,
      List<String> states) {
    static Components find(Path base) throws IOException {
      Path dir = base.toAbsolutePath().getParent();
      String baseName = base.getFileName().toString();
      Path meta = null;
      Path index = null;
      TreeMap<Integer, Path> volumes = new TreeMap<>();
      List<String> states = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Matcher m = COMPONENT.matcher(file.getFileName().toString());
          if (!m.matches() || !m.group(1).equals(baseName)) {
            continue;
          }
          BasicFileAttributes attributes =
              Files.readAttributes(file, BasicFileAttributes.class);
          states.add(file.getFileName() + " " + attributes.size() + " "
              + attributes.lastModifiedTime().toMillis());
          String part = m.group(2);
          // A plain file wins over a compressed one of the same part, as in libpcp.
          if (part.equals("meta")) {
            meta = preferPlain(meta, file);
          } else if (part.equals("index")) {
            index = preferPlain(index, file);
          } else if (part.length() <= 9) {
            volumes.merge(Integer.parseInt(part), file, Archive::preferPlain);
          }
        }
      }
      states.sort(null);
      return new Components(base, meta, index, volumes, states);
    }
  }

  /**
   * The base name of an archive named by one of its files ({@code .0.xz}, {@code .meta}, ...);
   * anything that is not an existing file is taken as the base name itself, since base names
   * such as {@code 20240101.00.10} look like volume files.
   */
  public static Path baseOf(Path path) {
    if (!Files.isRegularFile(path)) {
      return path;
    }
    Matcher m = COMPONENT.matcher(path.getFileName().toString());
    return m.matches() ? path.resolveSibling(m.group(1)) : path;
  }

  /** Whether a file name is a .meta file, i.e. names an archive. */
  public static boolean isMetaFile(String fileName) {
    Matcher m = COMPONENT.matcher(fileName);
    return m.matches() && m.group(2).equals("meta");
  }

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

  private static Path preferPlain(Path known, Path candidate) {
    if (known == null) {
      return candidate;
    }
    return ByteSources.compressionSuffix(known.toString()).isEmpty() ? known : candidate;
  }

  public Path base() {
    return base;
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

  public ArchiveMetadata metadata() {
    return metadata;
  }

  public Path metaFile() {
    return metaFile;
  }

  /** Data volume numbers in order; gaps in the numbering are skipped, as libpcp does. */
  public List<Integer> volumeNumbers() {
    return List.copyOf(volumes.keySet());
  }

  public Path volumeFile(int volume) {
    return volumes.get(volume);
  }

  /** The temporal index, or null when the archive has none (or it is unreadable). */
  public synchronized TemporalIndex index() throws IOException {
    if (index == null && indexFile != null) {
      try (ByteSource source = ByteSources.open(indexFile)) {
        Label indexLabel = readLabel(source);
        index = TemporalIndex.read(source, indexLabel);
      }
    }
    return index;
  }

  /** Opens a data volume and checks that its label belongs to this archive. */
  ByteSource openVolume(int volume) throws IOException {
    Path file = volumes.get(volume);
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
      for (int volume : volumes.descendingKeySet()) {
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
    return base.toString();
  }
}
