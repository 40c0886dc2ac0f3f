package org.pmsql.spark.hadoop;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A path on a Hadoop file system: '/'-separated names, absolute when it starts with '/'. Its
 * text is the full URI (hdfs://nn/pcp/host/archive.0), so messages and plans name the file as
 * the user does and an executor can find it again from the text.
 */
final class HadoopNioPath implements Path {
  private final HadoopNioFileSystem fs;
  private final boolean absolute;
  private final List<String> names;

  HadoopNioPath(HadoopNioFileSystem fs, String path) {
    this(fs, path.startsWith("/"), Arrays.stream(path.split("/")).filter(n -> !n.isEmpty())
        .toList());
  }

  private HadoopNioPath(HadoopNioFileSystem fs, boolean absolute, List<String> names) {
    this.fs = fs;
    this.absolute = absolute;
    this.names = List.copyOf(names);
  }

  /** The path part alone: /pcp/host/archive.0 */
  String pathString() {
    return (absolute ? "/" : "") + String.join("/", names);
  }

  private HadoopNioPath of(Path other) {
    if (!(other instanceof HadoopNioPath p) || p.fs != fs) {
      throw new ProviderMismatchException(other + " is not on " + fs.root());
    }
    return p;
  }

  @Override
  public HadoopNioFileSystem getFileSystem() {
    return fs;
  }

  @Override
  public boolean isAbsolute() {
    return absolute;
  }

  @Override
  public Path getRoot() {
    return absolute ? new HadoopNioPath(fs, true, List.of()) : null;
  }

  @Override
  public Path getFileName() {
    return names.isEmpty() ? null
        : new HadoopNioPath(fs, false, List.of(names.get(names.size() - 1)));
  }

  @Override
  public Path getParent() {
    if (names.isEmpty() || (!absolute && names.size() == 1)) {
      return null;
    }
    return new HadoopNioPath(fs, absolute, names.subList(0, names.size() - 1));
  }

  @Override
  public int getNameCount() {
    return names.size();
  }

  @Override
  public Path getName(int index) {
    return new HadoopNioPath(fs, false, List.of(names.get(index)));
  }

  @Override
  public Path subpath(int beginIndex, int endIndex) {
    return new HadoopNioPath(fs, false, names.subList(beginIndex, endIndex));
  }

  @Override
  public boolean startsWith(Path other) {
    HadoopNioPath p = of(other);
    return p.absolute == absolute && p.names.size() <= names.size()
        && names.subList(0, p.names.size()).equals(p.names);
  }

  @Override
  public boolean endsWith(Path other) {
    HadoopNioPath p = of(other);
    return (!p.absolute || p.equals(this)) && p.names.size() <= names.size()
        && names.subList(names.size() - p.names.size(), names.size()).equals(p.names);
  }

  @Override
  public Path normalize() {
    List<String> normal = new ArrayList<>();
    for (String n : names) {
      if (n.equals("..") && !normal.isEmpty() && !normal.get(normal.size() - 1).equals("..")) {
        normal.remove(normal.size() - 1);
      } else if (!n.equals(".")) {
        normal.add(n);
      }
    }
    return new HadoopNioPath(fs, absolute, normal);
  }

  @Override
  public Path resolve(Path other) {
    HadoopNioPath p = of(other);
    if (p.absolute) {
      return p;
    }
    List<String> joined = new ArrayList<>(names);
    joined.addAll(p.names);
    return new HadoopNioPath(fs, absolute, joined);
  }

  @Override
  public Path resolve(String other) {
    return resolve(new HadoopNioPath(fs, other));
  }

  @Override
  public Path relativize(Path other) {
    HadoopNioPath p = of(other);
    if (!p.startsWith(this)) {
      throw new IllegalArgumentException(other + " is not under " + this);
    }
    return new HadoopNioPath(fs, false, p.names.subList(names.size(), p.names.size()));
  }

  @Override
  public URI toUri() {
    try {
      return new URI(fs.root().getScheme(), fs.root().getAuthority(),
          toAbsolutePath().pathString(), null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("pcp: " + pathString() + " on " + fs.root() + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public HadoopNioPath toAbsolutePath() {
    return absolute ? this : new HadoopNioPath(fs, true, names);
  }

  @Override
  public Path toRealPath(LinkOption... options) {
    return toAbsolutePath().normalize();
  }

  @Override
  public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events,
      WatchEvent.Modifier... modifiers) {
    throw new UnsupportedOperationException("pcp: no file watching on " + fs.root());
  }

  @Override
  public int compareTo(Path other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HadoopNioPath p && p.fs == fs && p.absolute == absolute
        && p.names.equals(names);
  }

  @Override
  public int hashCode() {
    return names.hashCode() * 31 + (absolute ? 1 : 0);
  }

  @Override
  public String toString() {
    return absolute ? toUri().toString() : String.join("/", names);
  }
}
