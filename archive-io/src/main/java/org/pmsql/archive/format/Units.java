package org.pmsql.archive.format;

/**
 * A pmUnits word exactly as stored (big-endian bit fields, most significant first: dimSpace,
 * dimTime, dimCount, scaleSpace, scaleTime, scaleCount, then 7.2.0's extra unit and scale).
 */
public record Units(int word) {
  private static final String[] SPACE = {"byte", "Kbyte", "Mbyte", "Gbyte", "Tbyte", "Pbyte",
    "Ebyte", "Zbyte", "Ybyte"};
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

  /** A readable form in the spirit of pmUnitsStr(3), e.g. "Kbyte / sec" or "count". */
  @Override
  public String toString() {
    StringBuilder num = new StringBuilder();
    StringBuilder den = new StringBuilder();
    term(dimSpace(), scaleSpace() < SPACE.length ? SPACE[scaleSpace()] : "space?", num, den);
    term(dimTime(), scaleTime() < TIME.length ? TIME[scaleTime()] : "time?", num, den);
    String count = scaleCount() == 0 ? "count" : "count x 10^" + scaleCount();
    term(dimCount(), count, num, den);
    if (num.length() == 0 && den.length() == 0) {
      return "none";
    }
    if (den.length() == 0) {
      return num.toString();
    }
    return (num.length() == 0 ? "1" : num) + " / " + den;
  }

  private static void term(int dim, String unit, StringBuilder num, StringBuilder den) {
    if (dim == 0) {
      return;
    }
    StringBuilder side = dim > 0 ? num : den;
    if (side.length() > 0) {
      side.append(' ');
    }
    side.append(unit);
    int power = Math.abs(dim);
    if (power > 1) {
      side.append('^').append(power);
    }
  }
}
