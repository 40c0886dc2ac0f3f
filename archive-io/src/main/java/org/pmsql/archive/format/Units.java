package org.pmsql.archive.format;

/**
 * A pmUnits word exactly as stored (big-endian bit fields, most significant first: dimSpace,
 * dimTime, dimCount, scaleSpace, scaleTime, scaleCount, then 7.2.0's extra unit and scale).
 */
public record Units(int word) {
  private static final String[] SPACE = {"byte", "Kbyte", "Mbyte", "Gbyte", "Tbyte", "Pbyte",
    "Ebyte"};
  private static final String[] TIME = {"nanosec", "microsec", "millisec", "sec", "min", "hour"};

  public int dimSpace() {
    return word >> 28;
  }

  public int dimTime() {
    return (word << 4) >> 28;
  }

  public int dimCount() {
    return (word << 8) >> 28;
  }

  public int scaleSpace() {
    return (word >>> 16) & 0xf;
  }

  public int scaleTime() {
    return (word >>> 12) & 0xf;
  }

  public int scaleCount() {
    return (word << 20) >> 28;
  }

  /**
   * The same dimensions in canonical scales, as pmrep shows them with -b byte -y sec: bytes,
   * seconds and plain counts.
   */
  public Units canonical() {
    int scales = (0xf << 16) | (0xf << 12) | (0xf << 8);
    return new Units((word & ~scales) | (3 << 12));
  }

  /** What a value in these units is multiplied by to be in {@link #canonical()} units. */
  public double canonicalFactor() {
    double space = Math.pow(1024, scaleSpace());
    double time = switch (scaleTime()) {
      case 0 -> 1e-9;
      case 1 -> 1e-6;
      case 2 -> 1e-3;
      case 4 -> 60;
      case 5 -> 3600;
      default -> 1;
    };
    double count = Math.pow(10, scaleCount());
    return Math.pow(space, dimSpace()) * Math.pow(time, dimTime()) * Math.pow(count, dimCount());
  }

  /** As pmUnitsStr(3) writes these units ("Kbyte / sec", "count x 10^6"), "none" when empty. */
  @Override
  public String toString() {
    String s = pmUnitsStr();
    return s.isEmpty() ? "none" : s;
  }

  /**
   * Exactly as libpcp's pmUnitsStr(3) writes these units: empty for no dimension and no scale,
   * "/ sec" when there is only a denominator. pmseries hashes this text into series ids.
   */
  public String pmUnitsStr() {
    String space = scaleSpace() <= 6 ? SPACE[scaleSpace()] : "space-" + scaleSpace();
    String time = scaleTime() < TIME.length ? TIME[scaleTime()] : "time-" + scaleTime();
    String count = switch (scaleCount()) {
      case 0 -> "count";
      case 1 -> "count x 10";
      default -> "count x 10^" + scaleCount();
    };
    StringBuilder out = new StringBuilder();
    term(out, dimSpace(), space, 1);
    term(out, dimTime(), time, 1);
    term(out, dimCount(), count, 1);
    if (dimSpace() < 0 || dimTime() < 0 || dimCount() < 0) {
      out.append("/ ");
      term(out, dimSpace(), space, -1);
      term(out, dimTime(), time, -1);
      term(out, dimCount(), count, -1);
    }
    if (out.length() == 0) {
      return scaleCount() == 0 ? "" : scaleCount() == 1 ? "x 10" : "x 10^" + scaleCount();
    }
    return out.substring(0, out.length() - 1);
  }

  /** Appends "unit " or "unit^n " when {@code dim} has the sign asked for. */
  private static void term(StringBuilder out, int dim, String unit, int sign) {
    if (dim * sign <= 0) {
      return;
    }
    out.append(unit);
    if (dim * sign > 1) {
      out.append('^').append(dim * sign);
    }
    out.append(' ');
  }
}
