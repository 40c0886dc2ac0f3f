package org.pmsql.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.pmsql.archive.source.ByteSources;

/**
 * An archive's files as found in its directory (.meta, .index, volumes, any of them
 * compressed), with each file's size, modification time and inode: what says whether an
 * archive read before, in this process or in the catalog, is still the same.
 */
public record ArchiveFiles(Path base, Path meta, Path index, TreeMap<Integer, Path> volumes,
    List<String> states) {
  /** {@code <base>.<number|meta|index>[.<compression>]}, as libpcp's __pmLogFindOpen accepts. */
  private static final Pattern COMPONENT =
      Pattern.compile("(.+)\\.(\\d+|meta|index)(\\.(?:lzma|bz2|zst|xz|bz|gz|Z|z))?");

  /** The files of the archive with this base name. */
  public static ArchiveFiles find(Path base) throws IOException {
    Path dir = base.toAbsolutePath().getParent();
    ArchiveFiles files = inDirectory(dir).get(dir.resolve(base.getFileName()));
    return files != null ? files : new ArchiveFiles(base, null, null, new TreeMap<>(), List.of());
  }

  /**
   * Every archive of a directory, by absolute base path, from one listing: a directory of a
   * year of daily archives is listed once, not once per archive.
   */
  public static Map<Path, ArchiveFiles> inDirectory(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    Map<Path, Builder> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(absolute)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Matcher m = COMPONENT.matcher(file.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        String part = m.group(2);
        if (!part.equals("meta") && !part.equals("index") && part.length() > 9) {
          continue;
        }
        BasicFileAttributes attributes;
        try {
          attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException gone) {
          continue; // removed while listing (pmlogger_daily compressing or merging)
        }
        found.computeIfAbsent(absolute.resolve(m.group(1)), Builder::new)
            .add(file, part, attributes);
      }
    }
    Map<Path, ArchiveFiles> archives = new TreeMap<>();
    found.forEach((base, builder) -> archives.put(base, builder.build()));
    return archives;
  }

  /** Whether a file name is a .meta file, i.e. names an archive. */
  public static boolean isMetaFile(String fileName) {
    Matcher m = COMPONENT.matcher(fileName);
    return m.matches() && m.group(2).equals("meta");
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

  private static final class Builder {
    private final Path base;
    private Path meta;
    private Path index;
    private final TreeMap<Integer, Path> volumes = new TreeMap<>();
    private final List<String> states = new ArrayList<>();

    Builder(Path base) {
      this.base = base;
    }

    void add(Path file, String part, BasicFileAttributes attributes) {
      states.add(file.getFileName() + " " + attributes.size() + " "
          + attributes.lastModifiedTime().toMillis() + " " + attributes.fileKey());
      // A plain file wins over a compressed one of the same part, as in libpcp.
      if (part.equals("meta")) {
        meta = preferPlain(meta, file);
      } else if (part.equals("index")) {
        index = preferPlain(index, file);
      } else {
        volumes.merge(Integer.parseInt(part), file, Builder::preferPlain);
      }
    }

    ArchiveFiles build() {
      states.sort(null);
      return new ArchiveFiles(base, meta, index, volumes, List.copyOf(states));
    }

    private static Path preferPlain(Path known, Path candidate) {
      if (known == null) {
        return candidate;
      }
      return ByteSources.compressionSuffix(known.toString()).isEmpty() ? known : candidate;
    }
  }
}
