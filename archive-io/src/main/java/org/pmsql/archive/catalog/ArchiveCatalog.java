package org.pmsql.archive.catalog;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveFiles;
import org.pmsql.archive.ArchiveOpener;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.archive.format.Label;

/**
 * The archive catalog: for every archive read once, by its absolute base path, its files'
 * names, sizes, modification times and inodes, its label, the time of its last record and the
 * digest of its metric names (the names themselves are kept once per digest: a host's daily
 * archives share them). Two Chronicle Map files in a cache directory hold it, shared by every
 * process on the machine (the shell, the server). An entry is used only while every file of
 * its archive is as recorded, so an archive that grew, was compressed, merged or replaced is
 * read again; a damaged map, or one of another format, is set aside and rebuilt. Entries are
 * written as archives are read, so an interrupted first scan loses nothing.
 */
public final class ArchiveCatalog implements ArchiveOpener {
  /** Bumped when an entry's layout changes; the file names carry it. */
  private static final int FORMAT = 3;
  /**
   * Sizes the files start at (about 25 and 10 MB on disk); Chronicle adds tiers as they fill,
   * up to GROWTH times as many entries.
   */
  private static final int ARCHIVES = 25_000;
  private static final int METRIC_SETS = 500;
  private static final int GROWTH = 8;
  private static final Map<Path, CompletableFuture<ArchiveCatalog>> OPEN =
      new ConcurrentHashMap<>();
  private static final AtomicLong DESCRIBED = new AtomicLong();
  private static final AtomicLong READ = new AtomicLong();

  static {
    // Chronicle's libraries would otherwise report usage to a third party
    System.setProperty("chronicle.analytics.disable", "true");
  }

  private final ChronicleMap<String, byte[]> archives;
  private final ChronicleMap<String, byte[]> metricSets;
  /** Metric sets decoded in this process, by digest: shared by the archives that have them. */
  private final Map<String, List<List<String>>> decodedSets = new ConcurrentHashMap<>();
  /** Held for the life of the process: says to others that the maps are in use here. */
  private final FileLock user;

  private ArchiveCatalog(ChronicleMap<String, byte[]> archives,
      ChronicleMap<String, byte[]> metricSets, FileLock user) {
    this.archives = archives;
    this.metricSets = metricSets;
    this.user = user;
  }

  /**
   * The catalog kept in {@code directory}, opened once per process. Fails (and the caller reads
   * archives without it) when the directory cannot be written or Chronicle Map cannot run in
   * this JVM (it needs the --add-opens flags the pmsql launcher gives).
   */
  public static ArchiveCatalog in(Path directory) throws IOException {
    try {
      return prepare(directory).join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof IOException io ? io
          : new IOException(e.getCause().getMessage(), e.getCause());
    }
  }

  /**
   * Starts opening the catalog in {@code directory} in the background, if not yet begun:
   * Chronicle Map takes about a second to start, which a command line can spend loading the
   * SQL engine meanwhile.
   */
  public static CompletableFuture<ArchiveCatalog> prepare(Path directory) {
    return OPEN.computeIfAbsent(directory.toAbsolutePath().normalize(), key ->
        CompletableFuture.supplyAsync(() -> {
          try {
            return open(key);
          } catch (IOException e) {
            throw new CompletionException(e);
          }
        }, runnable -> DaemonThreads.named("pmsql-catalog-open").newThread(runnable).start()));
  }

  /**
   * Opening is serialised between processes by a lock on byte 0 of a lock file; every process
   * that has the maps open holds a shared lock on byte 1. A process that finds no other user
   * opens the maps with Chronicle's recovery, which clears locks a crashed process left in them
   * (recovery needs the files to itself).
   */
  private static ArchiveCatalog open(Path directory) throws IOException {
    String lacking = lackingJvmAccess();
    if (lacking != null) {
      // checked before Chronicle is touched: it would print warnings, then fail half-way
      throw new IOException("Chronicle Map cannot run in this JVM: " + lacking);
    }
    Files.createDirectories(directory);
    FileChannel channel = FileChannel.open(directory.resolve("catalog-v" + FORMAT + ".lock"),
        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try (FileLock opening = channel.lock(0, 1, false)) {
      FileLock alone = channel.tryLock(1, 1, false);
      boolean recover = alone != null;
      if (alone != null) {
        alone.release();
      }
      ChronicleMap<String, byte[]> archives = map(ChronicleMap.of(String.class, byte[].class)
          .name("pmsql-archives").averageKeySize(90).averageValueSize(700).entries(ARCHIVES)
          .maxBloatFactor(GROWTH), directory.resolve("archives-v" + FORMAT + ".cm"), recover);
      ChronicleMap<String, byte[]> metricSets = map(ChronicleMap.of(String.class, byte[].class)
          .name("pmsql-metric-sets").averageKeySize(32).averageValueSize(16 * 1024)
          .entries(METRIC_SETS).maxBloatFactor(GROWTH),
          directory.resolve("metric-sets-v" + FORMAT + ".cm"), recover);
      FileLock user = channel.lock(1, 1, true);
      ArchiveCatalog catalog = new ArchiveCatalog(archives, metricSets, user);
      if (recover && archives.size() > ARCHIVES * GROWTH * 3L / 4) {
        catalog.forgetRemoved();
      }
      return catalog;
    } catch (IOException | RuntimeException | LinkageError e) {
      channel.close();
      throw new IOException("archive catalog in " + directory + " not usable: "
          + (e.getMessage() == null ? e.toString() : e.getMessage()), e);
    }
  }

  /**
   * What Chronicle Map needs of a Java 17+ JVM and this one lacks (null: nothing): a JDK's
   * compiler module, and the --add-opens/--add-exports that ./pmsql and the jars' manifests
   * give (chronicle.jvmFlags in pom.xml lists them).
   */
  private static String lackingJvmAccess() {
    Module self = ArchiveCatalog.class.getModule();
    Module base = Object.class.getModule();
    Module compiler = ModuleLayer.boot().findModule("jdk.compiler").orElse(null);
    if (compiler == null) {
      return "it needs a JDK (the jdk.compiler module), not a JRE";
    }
    if (!base.isOpen("java.lang", self) || !base.isOpen("java.util", self)
        || !base.isExported("jdk.internal.misc", self)
        || !compiler.isExported("com.sun.tools.javac.file", self)) {
      return "it needs the JVM options --add-opens and --add-exports listed as"
          + " chronicle.jvmFlags in pmsql's pom.xml (./pmsql and java -jar give them)";
    }
    return null;
  }

  private static ChronicleMap<String, byte[]> map(ChronicleMapBuilder<String, byte[]> builder,
      Path file, boolean alone) throws IOException {
    try {
      // the configuration is read from the file, which an older pmsql may have sized otherwise
      return alone && Files.exists(file) ? builder.recoverPersistedTo(file.toFile(), false)
          : builder.createPersistedTo(file.toFile());
    } catch (IOException | RuntimeException e) {
      if (!alone) {
        throw e;
      }
      // damaged, or written by another version: the catalog is only a cache of what the
      // archives say, so it starts afresh (the old file is kept beside it for a look)
      Files.move(file, file.resolveSibling(file.getFileName() + ".damaged"),
          StandardCopyOption.REPLACE_EXISTING);
      return builder.createPersistedTo(file.toFile());
    }
  }

  /** Archives described from a catalog, and read because none described them, so far. */
  public static long described() {
    return DESCRIBED.get();
  }

  public static long read() {
    return READ.get();
  }

  public long size() {
    return archives.size();
  }

  /**
   * The archive these files make up: described from its entry when every file is as recorded,
   * else read (label, metadata, last record) and recorded.
   */
  @Override
  public Archive open(ArchiveFiles files) throws IOException {
    String key = files.base().toString();
    try {
      Archive described = describe(archives.get(key), files);
      if (described != null) {
        DESCRIBED.incrementAndGet();
        return described;
      }
    } catch (RuntimeException unusable) {
      // an entry that does not decode is read again below, and replaced
    }
    Archive archive = Archive.open(files);
    READ.incrementAndGet();
    try {
      record(key, files, archive, archive.endNanos());
    } catch (IOException damagedVolume) {
      // not catalogued: a scan reports the damage with its offset, after the whole records
    } catch (RuntimeException full) {
      // a full or locked map: this archive is simply not catalogued this time
    }
    return archive;
  }

  private Archive describe(byte[] entry, ArchiveFiles files) throws IOException {
    if (entry == null) {
      return null;
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry));
    if (in.readInt() != FORMAT) {
      return null;
    }
    int states = in.readInt();
    if (states != files.states().size()) {
      return null;
    }
    for (int i = 0; i < states; i++) {
      if (!in.readUTF().equals(files.states().get(i))) {
        return null;
      }
    }
    Label label = new Label(in.readInt(), in.readInt(), in.readLong(), in.readInt(),
        in.readUTF(), in.readUTF(), in.readUTF());
    long end = in.readLong();
    List<List<String>> metrics = metricSet(in.readUTF());
    return metrics == null ? null : Archive.described(files, label, end, metrics);
  }

  private List<List<String>> metricSet(String digest) {
    List<List<String>> known = decodedSets.get(digest);
    if (known != null) {
      return known;
    }
    byte[] names = metricSets.get(digest);
    if (names == null) {
      return null;
    }
    List<List<String>> decoded = new String(names, StandardCharsets.UTF_8).lines()
        .filter(line -> !line.isEmpty()).map(line -> List.of(line.split("\t"))).toList();
    decodedSets.putIfAbsent(digest, decoded);
    return decoded;
  }

  private void record(String key, ArchiveFiles files, Archive archive, long end)
      throws IOException {
    // a line per metric, its names in libpcp's order separated by tabs (PCP names hold none)
    byte[] names = archive.metricNameLists().stream().map(list -> String.join("\t", list))
        .collect(Collectors.joining("\n")).getBytes(StandardCharsets.UTF_8);
    String digest = digest(names);
    if (!decodedSets.containsKey(digest) && !metricSets.containsKey(digest)) {
      metricSets.put(digest, names);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(FORMAT);
    out.writeInt(files.states().size());
    for (String state : files.states()) {
      out.writeUTF(state);
    }
    Label label = archive.label();
    out.writeInt(label.version());
    out.writeInt(label.pid());
    out.writeLong(label.startNanos());
    out.writeInt(label.volume());
    out.writeUTF(label.hostname());
    out.writeUTF(label.timezone());
    out.writeUTF(label.zoneinfo());
    out.writeLong(end);
    out.writeUTF(digest);
    archives.put(key, bytes.toByteArray());
  }

  private static String digest(byte[] names) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(names), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /**
   * Drops the entries of archives whose .meta file is gone, when the map fills up; each
   * directory is listed once.
   */
  private void forgetRemoved() {
    Map<Path, List<String>> byDirectory = new HashMap<>();
    for (String base : archives.keySet()) {
      byDirectory.computeIfAbsent(Path.of(base).getParent(), d -> new ArrayList<>()).add(base);
    }
    byDirectory.forEach((directory, bases) -> {
      Map<Path, ArchiveFiles> present;
      try {
        present = ArchiveFiles.inDirectory(directory);
      } catch (IOException gone) {
        present = Map.of();
      }
      for (String base : bases) {
        ArchiveFiles files = present.get(Path.of(base));
        if (files == null || files.meta() == null) {
          archives.remove(base);
        }
      }
    });
  }
}
