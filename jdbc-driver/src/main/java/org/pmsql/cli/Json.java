package org.pmsql.cli;

/** The two JSON encodings the command line needs, appended without intermediate strings. */
final class Json {
  private Json() {}

  static StringBuilder string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          break;
        case '\\':
          sb.append("\\\\");
          break;
        case '\n':
          sb.append("\\n");
          break;
        case '\t':
          sb.append("\\t");
          break;
        case '\r':
          sb.append("\\r");
          break;
        default:
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    return sb.append('"');
  }

  /** JSON has no NaN or infinity: those become null. */
  static StringBuilder number(StringBuilder sb, double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return sb.append("null");
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      return sb.append((long) d);
    }
    return sb.append(d);
  }
}
