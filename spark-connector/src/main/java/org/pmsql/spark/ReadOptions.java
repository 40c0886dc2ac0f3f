package org.pmsql.spark;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/** The options a read takes, checked once, each error naming its option. */
record ReadOptions(List<String> archives, long partitionBytes) {
  static final long DEFAULT_PARTITION_BYTES = 64L << 20;

  static ReadOptions of(CaseInsensitiveStringMap options) {
    String archives = options.get("archives");
    if (archives == null || archives.isBlank()) {
      archives = options.get("path");
    }
    if (archives == null || archives.isBlank()) {
      throw new IllegalArgumentException("pcp: option \"archives\" is required: the archives"
          + " or directories to read, comma-separated");
    }
    long bytes = DEFAULT_PARTITION_BYTES;
    String given = options.get("partitionBytes");
    if (given != null) {
      try {
        bytes = Long.parseLong(given.strip());
      } catch (NumberFormatException e) {
        bytes = 0;
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("pcp: option \"partitionBytes\" is \"" + given
            + "\"; it is a number of bytes of at least 1");
      }
    }
    return new ReadOptions(Arrays.stream(archives.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList(), bytes);
  }
}
