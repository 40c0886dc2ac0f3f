package org.pmsql.spark;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Hadoop's local file system under a scheme of its own (pcptest:///path), so that a test reads
 * archives through Hadoop's FileSystem API, as it would on hdfs:// or s3a://, without a cluster.
 */
public final class LocalAsScheme extends RawLocalFileSystem {
  static final String SCHEME = "pcptest";
  /** Files opened through Hadoop: the proof a read went that way. */
  static final AtomicInteger OPENED = new AtomicInteger();

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    OPENED.incrementAndGet();
    return super.open(f, bufferSize);
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }
}
