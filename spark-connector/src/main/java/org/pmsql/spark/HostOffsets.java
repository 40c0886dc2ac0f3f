package org.pmsql.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.connector.read.streaming.Offset;

/**
 * How far a stream has read each host: the time (nanoseconds) of the last record taken; a host
 * not named has been read from its beginning. As JSON in Spark's offset log, host by host.
 */
final class HostOffsets extends Offset {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, Long> nanos;

  HostOffsets(Map<String, Long> nanos) {
    this.nanos = new TreeMap<>(nanos);
  }

  /** The last time read of the host, or MIN_VALUE: none yet. */
  long of(String host) {
    return nanos.getOrDefault(host, Long.MIN_VALUE);
  }

  Map<String, Long> asMap() {
    return new TreeMap<>(nanos);
  }

  @Override
  public String json() {
    try {
      return JSON.writeValueAsString(nanos);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static HostOffsets parse(String json) {
    Map<String, Long> nanos = new TreeMap<>();
    try {
      JsonNode node = JSON.readTree(json);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("pcp: a stream offset is a JSON object of host"
            + " names and times, not " + json);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().canConvertToLong()) {
          throw new IllegalArgumentException("pcp: stream offset of host " + e.getKey()
              + " is not a time in nanoseconds: " + e.getValue());
        }
        nanos.put(e.getKey(), e.getValue().asLong());
      }
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("pcp: stream offset is not JSON: " + json, e);
    }
    return new HostOffsets(nanos);
  }
}
