package org.pmsql.spark.hadoop;

import java.net.URI;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.List;
import java.util.Set;

/** One Hadoop file system (a scheme and authority) as a read-only java.nio file system. */
final class HadoopNioFileSystem extends FileSystem {
  private final URI root;
  private final org.apache.hadoop.fs.FileSystem hadoop;
  private final HadoopNioProvider provider;

  HadoopNioFileSystem(URI root, org.apache.hadoop.fs.FileSystem hadoop) {
    this.root = root;
    this.hadoop = hadoop;
    this.provider = new HadoopNioProvider(root.getScheme());
  }

  URI root() {
    return root;
  }

  org.apache.hadoop.fs.FileSystem hadoop() {
    return hadoop;
  }

  org.apache.hadoop.fs.Path hadoopPath(HadoopNioPath path) {
    return new org.apache.hadoop.fs.Path(path.toUri());
  }

  @Override
  public FileSystemProvider provider() {
    return provider;
  }

  @Override
  public void close() {
    // shared by every reader in this JVM, as Hadoop's own FileSystem.get instances are
  }

  @Override
  public boolean isOpen() {
    return true;
  }

  @Override
  public boolean isReadOnly() {
    return true;
  }

  @Override
  public String getSeparator() {
    return "/";
  }

  @Override
  public Iterable<Path> getRootDirectories() {
    return List.of(new HadoopNioPath(this, "/"));
  }

  @Override
  public Iterable<FileStore> getFileStores() {
    return List.of();
  }

  @Override
  public Set<String> supportedFileAttributeViews() {
    return Set.of("basic");
  }

  @Override
  public HadoopNioPath getPath(String first, String... more) {
    StringBuilder path = new StringBuilder(first);
    for (String m : more) {
      path.append('/').append(m);
    }
    return new HadoopNioPath(this, path.toString());
  }

  @Override
  public PathMatcher getPathMatcher(String syntaxAndPattern) {
    throw new UnsupportedOperationException("pcp: no path matching on " + root);
  }

  @Override
  public UserPrincipalLookupService getUserPrincipalLookupService() {
    throw new UnsupportedOperationException("pcp: no user lookup on " + root);
  }

  @Override
  public WatchService newWatchService() {
    // a follower of growing archives falls back to polling
    throw new UnsupportedOperationException("pcp: no file watching on " + root);
  }
}
