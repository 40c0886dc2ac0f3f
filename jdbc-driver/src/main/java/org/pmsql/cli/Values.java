package org.pmsql.cli;

import java.io.IOException;
import java.time.Instant;
import org.pmsql.archive.ArchiveCursor;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;
import org.pmsql.archive.format.ResultRecord;

/** Renders one value by its metric's type, as text or as JSON. */
final class Values {
  private Values() {}

  static void appendText(StringBuilder sb, ArchiveCursor cursor, MetricDesc desc, int s, int i)
      throws IOException {
    append(sb, cursor, desc, s, i, false);
  }

  static void appendJson(StringBuilder sb, ArchiveCursor cursor, MetricDesc desc, int s, int i)
      throws IOException {
    append(sb, cursor, desc, s, i, true);
  }

  private static void append(StringBuilder sb, ArchiveCursor cursor, MetricDesc desc, int s,
      int i, boolean json) throws IOException {
    ResultRecord r = cursor.record();
    int type = desc == null ? PmTypes.TYPE_UNKNOWN : desc.type();
    switch (type) {
      case PmTypes.TYPE_32:
      case PmTypes.TYPE_U32:
      case PmTypes.TYPE_64:
        sb.append(r.longValue(s, i, type));
        return;
      case PmTypes.TYPE_U64:
        sb.append(Long.toUnsignedString(r.longValue(s, i, type)));
        return;
      case PmTypes.TYPE_FLOAT:
      case PmTypes.TYPE_DOUBLE: {
        double d = r.doubleValue(s, i, type);
        if (json) {
          Json.number(sb, d);
        } else {
          sb.append(d);
        }
        return;
      }
      case PmTypes.TYPE_STRING:
        if (json) {
          Json.string(sb, r.stringValue(s, i));
        } else {
          sb.append('"').append(r.stringValue(s, i)).append('"');
        }
        return;
      case PmTypes.TYPE_EVENT:
      case PmTypes.TYPE_HIGHRES_EVENT:
        appendEvents(sb, cursor, type == PmTypes.TYPE_HIGHRES_EVENT, s, i, json);
        return;
      default:
        // Aggregates and values of metrics without a descriptor: their bytes, in hex.
        if (json) {
          sb.append('"');
        }
        r.appendHex(sb, s, i);
        if (json) {
          sb.append('"');
        }
    }
  }

  private static void appendEvents(StringBuilder sb, ArchiveCursor cursor, boolean highRes,
      int s, int i, boolean json) throws IOException {
    sb.append('[');
    boolean first = true;
    for (ResultRecord.Event e : cursor.record().events(s, i, highRes, cursor.fileName(), 0)) {
      if (!first) {
        sb.append(json ? "," : ", ");
      }
      first = false;
      if (json) {
        sb.append("{\"ts\":\"").append(Instant.ofEpochSecond(0, e.timestampNanos()))
            .append("\",\"flags\":").append(e.flags()).append(",\"parameters\":")
            .append(e.parameterCount()).append('}');
      } else {
        sb.append(Instant.ofEpochSecond(0, e.timestampNanos())).append(" flags=0x")
            .append(Integer.toHexString(e.flags())).append(" parameters=")
            .append(e.parameterCount());
      }
    }
    sb.append(']');
  }
}
