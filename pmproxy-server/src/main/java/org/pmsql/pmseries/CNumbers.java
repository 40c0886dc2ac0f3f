package org.pmsql.pmseries;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Doubles printed as C's printf prints them, which is how pmproxy writes values: glibc rounds
 * the exact binary value (half to even on a true tie). Java's Formatter rounds the shortest
 * decimal that reads back as the double, half up, so it differs in the last digit now and then:
 * 98791965 is "9.879197e+07" to Java and "9.879196e+07" to C.
 */
public final class CNumbers {
  private static final MathContext SEVEN_DIGITS = new MathContext(7, RoundingMode.HALF_EVEN);

  private CNumbers() {}

  /** As {@code printf("%e", value)}. */
  public static String exponent(double value) {
    String special = special(value);
    if (special != null) {
      return special;
    }
    if (value == 0) {
      return sign(value) + "0.000000e+00";
    }
    BigDecimal rounded = new BigDecimal(value).round(SEVEN_DIGITS);
    // digits d.dddddd and the power of ten of the first one
    String digits = rounded.unscaledValue().abs().toString();
    int power = digits.length() - 1 - rounded.scale();
    digits = (digits + "000000").substring(0, 7);
    return (value < 0 ? "-" : "") + digits.charAt(0) + "." + digits.substring(1) + "e"
        + (power < 0 ? "-" : "+") + (Math.abs(power) < 10 ? "0" : "") + Math.abs(power);
  }

  /** As {@code printf("%.6f", value)}; a negative value that rounds to zero keeps its sign. */
  public static String sixDecimals(double value) {
    String special = special(value);
    if (special != null) {
      return special;
    }
    BigDecimal rounded = new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN);
    return (rounded.signum() == 0 ? sign(value) : "") + rounded.toPlainString();
  }

  private static String sign(double value) {
    return value < 0 || 1 / value < 0 ? "-" : "";
  }

  private static String special(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    return null;
  }
}
