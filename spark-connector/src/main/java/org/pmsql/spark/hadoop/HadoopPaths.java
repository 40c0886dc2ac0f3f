package org.pmsql.spark.hadoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;

/**
 * The path a user names: with a scheme other than {@code file} (hdfs://nn/pcp, s3a://bucket/pcp)
 * a path on that Hadoop file system, else a local one. One java.nio view per file system.
 */
public final class HadoopPaths {
  private static final Map<URI, HadoopNioFileSystem> OPEN = new ConcurrentHashMap<>();
  /** A URI's scheme and the '/' after it: hdfs://nn/..., s3a://bucket/..., x:/path. */
  private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:/");

  private HadoopPaths() {}

  /** Spark's Hadoop settings (spark.hadoop.*) where Spark runs, else Hadoop's defaults. */
  private static Configuration configuration() {
    SparkEnv env = SparkEnv.get();
    return env == null ? new Configuration()
        : SparkHadoopUtil.get().newConfiguration(env.conf());
  }

  public static Path of(String name) {
    if (!SCHEME.matcher(name).lookingAt()) {
      return Path.of(name);
    }
    URI uri = URI.create(name);
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      return Path.of(uri);
    }
    URI root = URI.create(uri.getScheme() + "://"
        + (uri.getRawAuthority() == null ? "" : uri.getRawAuthority()) + "/");
    HadoopNioFileSystem fs = OPEN.computeIfAbsent(root, r -> {
      try {
        return new HadoopNioFileSystem(r,
            org.apache.hadoop.fs.FileSystem.get(r, configuration()));
      } catch (IOException e) {
        throw new UncheckedIOException("pcp: cannot reach " + r + ": " + e.getMessage(), e);
      }
    });
    return fs.getPath(uri.getPath().isEmpty() ? "/" : uri.getPath());
  }
}
