package org.pmsql.spark.hadoop;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;

/**
 * The read-only operations archive-io uses, over Hadoop: listing a directory, a file's
 * attributes, and a channel that reads at positions (one ranged read per request). Anything
 * that would write is refused.
 */
final class HadoopNioProvider extends FileSystemProvider {
  private final String scheme;

  HadoopNioProvider(String scheme) {
    this.scheme = scheme;
  }

  private static HadoopNioPath hadoop(Path path) {
    return (HadoopNioPath) path;
  }

  private static FileStatus status(Path path) throws IOException {
    HadoopNioPath p = hadoop(path);
    try {
      return p.getFileSystem().hadoop().getFileStatus(p.getFileSystem().hadoopPath(p));
    } catch (FileNotFoundException e) {
      throw new NoSuchFileException(path.toString());
    }
  }

  @Override
  public String getScheme() {
    return scheme;
  }

  @Override
  public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
    throw new UnsupportedOperationException("pcp: Hadoop paths come from HadoopPaths.of");
  }

  @Override
  public FileSystem getFileSystem(URI uri) {
    return HadoopPaths.of(uri.toString()).getFileSystem();
  }

  @Override
  public Path getPath(URI uri) {
    return HadoopPaths.of(uri.toString());
  }

  @Override
  public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    return newFileChannel(path, options, attrs);
  }

  @Override
  public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options,
      FileAttribute<?>... attrs) throws IOException {
    for (OpenOption o : options) {
      if (o != StandardOpenOption.READ) {
        throw new ReadOnlyFileSystemException();
      }
    }
    HadoopNioPath p = hadoop(path);
    FileStatus status = status(p);
    return new HadoopReadChannel(p.getFileSystem().hadoop()
        .open(p.getFileSystem().hadoopPath(p)), status.getLen());
  }

  @Override
  public DirectoryStream<Path> newDirectoryStream(Path dir,
      DirectoryStream.Filter<? super Path> filter) throws IOException {
    HadoopNioPath p = hadoop(dir);
    List<Path> entries = new ArrayList<>();
    FileStatus[] listed;
    try {
      listed = p.getFileSystem().hadoop().listStatus(p.getFileSystem().hadoopPath(p));
    } catch (FileNotFoundException e) {
      throw new NoSuchFileException(dir.toString());
    }
    for (FileStatus s : listed) {
      Path entry = p.resolve(s.getPath().getName());
      if (filter.accept(entry)) {
        entries.add(entry);
      }
    }
    return new DirectoryStream<>() {
      @Override
      public Iterator<Path> iterator() {
        return entries.iterator();
      }

      @Override
      public void close() {
        // listed at once
      }
    };
  }

  @Override
  public void createDirectory(Path dir, FileAttribute<?>... attrs) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void delete(Path path) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void copy(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public void move(Path source, Path target, CopyOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  @Override
  public boolean isSameFile(Path path, Path path2) {
    return path.toAbsolutePath().normalize().equals(path2.toAbsolutePath().normalize());
  }

  @Override
  public boolean isHidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }

  @Override
  public FileStore getFileStore(Path path) {
    throw new UnsupportedOperationException("pcp: no file stores on Hadoop paths");
  }

  @Override
  public void checkAccess(Path path, AccessMode... modes) throws IOException {
    for (AccessMode m : modes) {
      if (m != AccessMode.READ) {
        throw new ReadOnlyFileSystemException();
      }
    }
    status(path);
  }

  @Override
  public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type,
      LinkOption... options) {
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type,
      LinkOption... options) throws IOException {
    if (!type.isAssignableFrom(Attributes.class)) {
      throw new UnsupportedOperationException("pcp: only basic attributes of Hadoop paths");
    }
    return (A) new Attributes(status(path));
  }

  @Override
  public Map<String, Object> readAttributes(Path path, String attributes,
      LinkOption... options) throws IOException {
    Attributes a = new Attributes(status(path));
    return Map.of("size", a.size(), "lastModifiedTime", a.lastModifiedTime(),
        "isDirectory", a.isDirectory(), "isRegularFile", a.isRegularFile());
  }

  @Override
  public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
    throw new ReadOnlyFileSystemException();
  }

  /** What Hadoop says of a file, as java.nio's basic attributes. */
  private record Attributes(FileStatus status) implements BasicFileAttributes {
    @Override
    public FileTime lastModifiedTime() {
      return FileTime.fromMillis(status.getModificationTime());
    }

    @Override
    public FileTime lastAccessTime() {
      return FileTime.fromMillis(status.getAccessTime());
    }

    @Override
    public FileTime creationTime() {
      return lastModifiedTime();
    }

    @Override
    public boolean isRegularFile() {
      return status.isFile();
    }

    @Override
    public boolean isDirectory() {
      return status.isDirectory();
    }

    @Override
    public boolean isSymbolicLink() {
      return false;
    }

    @Override
    public boolean isOther() {
      return false;
    }

    @Override
    public long size() {
      return status.getLen();
    }

    @Override
    public Object fileKey() {
      return status.getPath().toString();
    }
  }
}
