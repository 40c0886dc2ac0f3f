package org.pmsql.pmseries;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link TimeSpec} read as pmproxy reads it, in nanoseconds since the epoch: which values of
 * a series to return.
 * <ul>
 * <li>nothing given: the latest value;
 * <li>only samples: the newest that many, newest first;
 * <li>otherwise the values from start (default: the first) to finish (default: the last), both
 *     included, oldest first; with an interval, the last value at or before each of start,
 *     start + interval, ... (and always the last); with samples, only the first that many.
 * </ul>
 * Times are seconds since the epoch (a fraction allowed), {@code now}, {@code -N unit} before
 * now, or a date {@code YYYY-MM-DD[ HH:MM[:SS]]} in the window's zone (UTC unless the
 * {@code timezone} key names one). Intervals are seconds or {@code N unit} terms ("5min",
 * "1min 30sec", "300000msec").
 */
public record TimeWindow(long startNanos, long finishNanos, long intervalNanos, int samples,
    boolean newestFirst) {
  /**
   * Most times one request may ask for with samples (the newest are held until sent): a
   * dashboard asks for a few thousand.
   */
  public static final int MAX_SAMPLES = 100_000;
  public static final long UNBOUNDED_START = Long.MIN_VALUE;
  public static final long UNBOUNDED_FINISH = Long.MAX_VALUE;

  private static final Pattern TERM = Pattern.compile(
      "\\s*([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*([a-zA-Z]*)\\s*");
  private static final Pattern RELATIVE = Pattern.compile(
      "\\s*-\\s*([0-9]+(?:\\.[0-9]*)?)\\s*([a-zA-Z]+)\\s*|\\s*([0-9]+(?:\\.[0-9]*)?)\\s*"
          + "([a-zA-Z]+)\\s+ago\\s*");
  private static final Pattern EPOCH = Pattern.compile("\\s*\\+?([0-9]+(?:\\.[0-9]*)?)(?:sec)?\\s*");

  /** Reads a time spec; {@code nowNanos} is what "now" and relative times count from. */
  public static TimeWindow of(TimeSpec spec, long nowNanos) throws QueryException {
    ZoneId zone = ZoneOffset.UTC;
    if (spec.zone() != null) {
      try {
        zone = ZoneId.of(spec.zone().strip());
      } catch (RuntimeException e) {
        throw new QueryException("unknown time zone '" + spec.zone() + "'");
      }
    }
    int samples = -1;
    if (spec.samples() != null) {
      try {
        samples = Integer.parseInt(spec.samples().strip());
      } catch (NumberFormatException e) {
        samples = -2;
      }
      if (samples < 0 || samples > MAX_SAMPLES) {
        throw new QueryException("Invalid sample count requested - " + spec.samples()
            + " (0 to " + MAX_SAMPLES + ")");
      }
    }
    if (spec.offset() != null && !spec.offset().strip().matches("[0-9]+")) {
      throw new QueryException("offset must be a whole number, not '" + spec.offset() + "'");
    }
    if (spec.align() != null) {
      time(spec.align(), "align", nowNanos, zone);
    }
    long interval = spec.interval() == null ? 0 : interval(spec.interval(), "interval");
    long start = spec.start() == null ? UNBOUNDED_START : time(spec.start(), "start", nowNanos,
        zone);
    long finish = spec.finish() == null ? UNBOUNDED_FINISH : time(spec.finish(), "finish",
        nowNanos, zone);
    if (spec.range() != null) {
      start = nowNanos - interval(spec.range(), "range");
    }
    if (start != UNBOUNDED_START && finish != UNBOUNDED_FINISH && start > finish) {
      throw new QueryException("start is after finish");
    }
    boolean ranged = start != UNBOUNDED_START || finish != UNBOUNDED_FINISH || interval > 0
        || spec.range() != null;
    if (!ranged) {
      // only samples, newest first; nothing at all: the latest value
      return new TimeWindow(start, finish, 0, samples < 0 ? 1 : samples, true);
    }
    return new TimeWindow(start, finish, interval, Math.max(samples, 0), false);
  }

  /** A time as pmproxy's start, finish and align read it. */
  static long time(String text, String what, long nowNanos, ZoneId zone)
      throws QueryException {
    String s = text.strip();
    Matcher epoch = EPOCH.matcher(s);
    if (epoch.matches()) {
      return seconds(epoch.group(1), what, text);
    }
    if (s.equalsIgnoreCase("now")) {
      return nowNanos;
    }
    Matcher relative = RELATIVE.matcher(s);
    if (relative.matches()) {
      String amount = relative.group(1) != null ? relative.group(1) : relative.group(3);
      String unit = relative.group(2) != null ? relative.group(2) : relative.group(4);
      return nowNanos - Math.round(Double.parseDouble(amount) * unitNanos(unit, what, text));
    }
    try {
      LocalDateTime local = s.length() <= 10 ? LocalDate.parse(s).atTime(LocalTime.MIDNIGHT)
          : LocalDateTime.parse(s.replace(' ', 'T'));
      return local.atZone(zone).toInstant().toEpochMilli() * 1_000_000L;
    } catch (DateTimeParseException e) {
      throw new QueryException("cannot read the " + what + " time '" + text + "': give seconds"
          + " since the epoch, now, -N unit (e.g. -1hour) or YYYY-MM-DD HH:MM:SS");
    }
  }

  /** An interval as pmproxy's interval and range read it: terms of a number and a unit. */
  static long interval(String text, String what) throws QueryException {
    Matcher m = TERM.matcher(text);
    long total = 0;
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      String unit = m.group(2).isEmpty() ? "sec" : m.group(2);
      total += Math.round(Double.parseDouble(m.group(1)) * unitNanos(unit, what, text));
      at = m.end();
    }
    if (at != text.length() || at == 0 || total <= 0) {
      throw new QueryException("cannot read the " + what + " '" + text + "': give seconds or"
          + " N unit terms such as 5min or 1min 30sec");
    }
    return total;
  }

  private static long seconds(String number, String what, String text) throws QueryException {
    try {
      return new java.math.BigDecimal(number).movePointRight(9).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw new QueryException("the " + what + " time '" + text + "' is out of range");
    }
  }

  private static long unitNanos(String unit, String what, String text) throws QueryException {
    return switch (unit.toLowerCase(Locale.ROOT)) {
      case "ns", "nsec", "nanosec", "nanosecond", "nanoseconds" -> 1L;
      case "us", "usec", "microsec", "microsecond", "microseconds" -> 1_000L;
      case "ms", "msec", "millisec", "millisecond", "milliseconds" -> 1_000_000L;
      case "s", "sec", "secs", "second", "seconds" -> 1_000_000_000L;
      case "m", "min", "mins", "minute", "minutes" -> 60_000_000_000L;
      case "h", "hr", "hrs", "hour", "hours" -> 3_600_000_000_000L;
      case "d", "day", "days" -> 86_400_000_000_000L;
      default -> throw new QueryException("unknown unit '" + unit + "' in the " + what + " '"
          + text + "' (nsec, usec, msec, sec, min, hour, day)");
    };
  }
}
