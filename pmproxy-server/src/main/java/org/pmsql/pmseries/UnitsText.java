package org.pmsql.pmseries;

import java.util.Arrays;
import java.util.List;
import org.pmsql.archive.format.Units;

/**
 * Units as people and pmUnitsStr(3) write them ("MB", "Kbyte / sec", "count/min",
 * "count x 10^6", "millisec^2"), read as libpcp's pmParseUnitsStr(3) reads them (its keywords,
 * case-insensitive), and the factor that converts a value between two scales of the same
 * dimensions, as pmConvScale(3) does. A dimension on both sides of '/' ("millisec / sec", as
 * rate writes a time counter's units) becomes a multiplier, as libpcp makes it; multipliers
 * typed as numbers ("10 MB") are refused.
 */
public final class UnitsText {
  /** Units and what a value in the text's units is multiplied by to be in them. */
  public record Scaled(Units units, double multiplier) {}

  private record Keyword(String text, int scale) {}

  private static final List<Keyword> TIME = keywords(
      "nanoseconds:0 nanosecond:0 nanosec:0 ns:0 microseconds:1 microsecond:1 microsec:1 us:1"
      + " milliseconds:2 millisecond:2 millisec:2 ms:2 seconds:3 second:3 sec:3 s:3"
      + " minutes:4 minute:4 min:4 hours:5 hour:5 hr:5 h:5");
  private static final List<Keyword> SPACE = keywords(
      "bytes:0 byte:0 KB:1 KiB:1 Kbytes:1 Kbyte:1 Kibibytes:1 Kibibyte:1 Kilobytes:1 Kilobyte:1"
      + " MB:2 MiB:2 Mbytes:2 Mbyte:2 Mebibytes:2 Mebibyte:2 Megabytes:2 Megabyte:2"
      + " GB:3 GiB:3 Gbytes:3 Gbyte:3 Gibibytes:3 Gibibyte:3 Gigabytes:3 Gigabyte:3"
      + " TB:4 TiB:4 Tbytes:4 Tbyte:4 Tebibytes:4 Tebibyte:4 Terabytes:4 Terabyte:4"
      + " PB:5 PiB:5 Pbytes:5 Pbyte:5 Pebibytes:5 Pebibyte:5 Petabytes:5 Petabyte:5"
      + " EB:6 EiB:6 Ebytes:6 Ebyte:6 Exbibytes:6 Exbibyte:6 Exabytes:6 Exabyte:6");
  private static final List<Keyword> COUNT = keywords(
      "count_x_10^-8:-8 count_x_10^-7:-7 count_x_10^-6:-6 count_x_10^-5:-5 count_x_10^-4:-4"
      + " count_x_10^-3:-3 count_x_10^-2:-2 count_x_10^-1:-1 count_x_10^2:2 count_x_10^3:3"
      + " count_x_10^4:4 count_x_10^5:5 count_x_10^6:6 count_x_10^7:7 count_x_10:1 counts:0"
      + " count:0");
  /** Nanoseconds in each time scale, nanosec to hour. */
  private static final long[] NANOS = {1, 1_000, 1_000_000, 1_000_000_000, 60_000_000_000L,
    3_600_000_000_000L};

  private UnitsText() {}

  private static List<Keyword> keywords(String spec) {
    return Arrays.stream(spec.split(" ")).map(k -> {
      int colon = k.lastIndexOf(':');
      return new Keyword(k.substring(0, colon).replace('_', ' '),
          Integer.parseInt(k.substring(colon + 1)));
    }).toList();
  }

  /** The units the text names; "" and "none" are dimensionless. */
  public static Scaled parse(String text) throws QueryException {
    String t = text.strip();
    if (t.isEmpty() || t.equalsIgnoreCase("none")) {
      return new Scaled(new Units(0), 1);
    }
    int slash = t.indexOf('/');
    int[] over = part(text, slash < 0 ? t : t.substring(0, slash));
    int[] under = slash < 0 ? new int[6] : part(text, t.substring(slash + 1));
    int[] units = new int[6];
    double multiplier = 1;
    for (int d = 0; d < 3; d++) {
      units[d] = over[d] - under[d];
      if (over[d] != 0 && under[d] != 0) {
        // both sides: to the base scale (byte, sec, one), the difference in the multiplier
        multiplier *= Math.pow(base(d, over[d + 3]), over[d])
            / Math.pow(base(d, under[d + 3]), under[d]);
        units[d + 3] = units[d] == 0 ? 0 : d == 1 ? 3 : 0;
      } else {
        units[d + 3] = over[d] != 0 ? over[d + 3] : under[d + 3];
      }
    }
    return new Scaled(word(units), multiplier);
  }

  /** One unit of the scale in the dimension's base: bytes, seconds, ones. */
  private static double base(int dimension, int scale) {
    return switch (dimension) {
      case 0 -> Math.pow(1024, scale);
      case 1 -> NANOS[Math.min(scale, NANOS.length - 1)] / 1e9;
      default -> Math.pow(10, scale);
    };
  }

  /** Dimensions space, time, count, then their scales. */
  private static int[] part(String whole, String part) throws QueryException {
    int[] units = new int[6];
    int pos = 0;
    while (pos < part.length()) {
      if (Character.isWhitespace(part.charAt(pos))) {
        pos++;
        continue;
      }
      int dimension = -1;
      for (int d = 0; d < 3 && dimension < 0; d++) {
        if (units[d] != 0) {
          continue;
        }
        for (Keyword k : d == 0 ? SPACE : d == 1 ? TIME : COUNT) {
          int end = pos + k.text().length();
          if (part.regionMatches(true, pos, k.text(), 0, k.text().length())
              && (end == part.length() || Character.isWhitespace(part.charAt(end))
                  || part.charAt(end) == '^')) {
            units[d + 3] = k.scale();
            dimension = d;
            pos = end;
            break;
          }
        }
      }
      if (dimension < 0) {
        throw new QueryException("units \"" + whole + "\": \"" + part.substring(pos).strip()
            + "\" is not a unit pmseries knows, or one given twice (byte, Kbyte, MB, ..., sec,"
            + " ms, min, hour, ..., count, count x 10^N)");
      }
      units[dimension] = 1;
      if (pos < part.length() && part.charAt(pos) == '^') {
        int end = pos + 1;
        while (end < part.length() && !Character.isWhitespace(part.charAt(end))) {
          end++;
        }
        try {
          units[dimension] = Integer.parseInt(part.substring(pos + 1, end));
        } catch (NumberFormatException e) {
          throw new QueryException("units \"" + whole + "\": \"" + part.substring(pos, end)
              + "\" is not an exponent");
        }
        if (units[dimension] < -8 || units[dimension] > 7 || units[dimension] == 0) {
          throw new QueryException("units \"" + whole + "\": exponent "
              + part.substring(pos, end) + " is outside -8..7 or zero");
        }
        pos = end;
      }
    }
    return units;
  }

  private static Units word(int[] u) throws QueryException {
    for (int d = 0; d < 3; d++) {
      if (u[d] < -8 || u[d] > 7) {
        throw new QueryException("a unit's dimension " + u[d] + " is outside -8..7");
      }
    }
    return new Units(((u[0] & 0xf) << 28) | ((u[1] & 0xf) << 24) | ((u[2] & 0xf) << 20)
        | ((u[3] & 0xf) << 16) | ((u[4] & 0xf) << 12) | ((u[5] & 0xf) << 8));
  }

  /** Whether the two have the same dimensions, whatever their scales. */
  public static boolean sameDimensions(Scaled a, Scaled b) {
    Units x = a.units();
    Units y = b.units();
    return x.dimSpace() == y.dimSpace() && x.dimTime() == y.dimTime()
        && x.dimCount() == y.dimCount();
  }

  /** What a value in {@code from} is multiplied by to be in {@code to}, of the same dimensions. */
  public static double factor(Scaled from, Scaled to) {
    return from.multiplier() / to.multiplier() * factor(from.units(), to.units());
  }

  /**
   * What a value in {@code from} is multiplied by to be in {@code to}, of the same dimensions;
   * powers are taken of whole numbers so that, say, per second to per minute is exactly 60.
   */
  static double factor(Units from, Units to) {
    double space = Math.pow(1024, from.dimSpace() * (from.scaleSpace() - to.scaleSpace()));
    double count = Math.pow(10, from.dimCount() * (from.scaleCount() - to.scaleCount()));
    int dim = from.dimTime();
    double fromNanos = NANOS[Math.min(from.scaleTime(), NANOS.length - 1)];
    double toNanos = NANOS[Math.min(to.scaleTime(), NANOS.length - 1)];
    double time = dim >= 0 ? Math.pow(fromNanos, dim) / Math.pow(toNanos, dim)
        : Math.pow(toNanos, -dim) / Math.pow(fromNanos, -dim);
    return space * count * time;
  }

  /**
   * The units of a product ({@code sign} 1) or quotient (-1): dimensions added or subtracted,
   * each kept in the left side's scale where it has that dimension, else the right side's.
   */
  public static Units combine(Units left, Units right, int sign) throws QueryException {
    int[] u = {left.dimSpace() + sign * right.dimSpace(),
      left.dimTime() + sign * right.dimTime(), left.dimCount() + sign * right.dimCount(),
      left.dimSpace() != 0 ? left.scaleSpace() : right.scaleSpace(),
      left.dimTime() != 0 ? left.scaleTime() : right.scaleTime(),
      left.dimCount() != 0 ? left.scaleCount() : right.scaleCount()};
    for (int d = 0; d < 3; d++) {
      if (u[d] == 0) {
        u[d + 3] = 0;
      }
    }
    return word(u);
  }

  /**
   * {@code right}'s dimensions in {@code left}'s scales where both have them (what the right
   * side's values are converted to before they meet the left's).
   */
  public static Units inScalesOf(Units right, Units left) throws QueryException {
    int[] u = {right.dimSpace(), right.dimTime(), right.dimCount(),
      left.dimSpace() != 0 ? left.scaleSpace() : right.scaleSpace(),
      left.dimTime() != 0 ? left.scaleTime() : right.scaleTime(),
      left.dimCount() != 0 ? left.scaleCount() : right.scaleCount()};
    return word(u);
  }
}
