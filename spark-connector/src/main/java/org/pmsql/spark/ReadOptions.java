package org.pmsql.spark;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The options a read takes, checked once, each error naming its option: the archives, the
 * bytes of a slice, and where a stream starts ({@code startingTime}: {@code earliest}, the
 * default, every host's history; {@code latest}, what is written from the stream's start on;
 * or an instant such as 2026-12-08T03:00:00Z).
 */
record ReadOptions(List<String> archives, long partitionBytes, long startingNanos) {
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
        .filter(s -> !s.isEmpty()).toList(), bytes, startingNanos(options.get("startingTime")));
  }

  private static long startingNanos(String given) {
    if (given == null || given.strip().equalsIgnoreCase("earliest")) {
      return Long.MIN_VALUE;
    }
    Instant start;
    if (given.strip().equalsIgnoreCase("latest")) {
      start = Instant.now();
    } else {
      try {
        start = Instant.parse(given.strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("pcp: option \"startingTime\" is \"" + given
            + "\"; it is earliest, latest or an instant such as 2026-12-08T03:00:00Z");
      }
    }
    return start.getEpochSecond() * 1_000_000_000L + start.getNano();
  }
}
