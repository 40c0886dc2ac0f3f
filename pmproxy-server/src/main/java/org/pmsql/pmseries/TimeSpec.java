package org.pmsql.pmseries;

/**
 * A time window as written, in an expression's brackets or in /series/values parameters; each
 * part null when not given. Times and intervals stay text until {@link TimeWindow} reads them.
 */
public record TimeSpec(String start, String finish, String interval, String range,
    String samples, String align, String offset, String zone) {

  public static final TimeSpec NONE = new TimeSpec(null, null, null, null, null, null, null,
      null);

  /** Whether any part is given. */
  public boolean given() {
    return start != null || finish != null || interval != null || range != null
        || samples != null || align != null || offset != null || zone != null;
  }

  TimeSpec with(String key, String value) throws QueryException {
    return switch (key) {
      case "start", "begin" -> new TimeSpec(value, finish, interval, range, samples, align,
          offset, zone);
      case "finish", "end" -> new TimeSpec(start, value, interval, range, samples, align,
          offset, zone);
      case "interval", "delta" -> new TimeSpec(start, finish, value, range, samples, align,
          offset, zone);
      case "range" -> new TimeSpec(start, finish, interval, value, samples, align, offset,
          zone);
      case "samples", "count" -> new TimeSpec(start, finish, interval, range, value, align,
          offset, zone);
      case "align", "alignment" -> new TimeSpec(start, finish, interval, range, samples, value,
          offset, zone);
      case "offset", "from" -> new TimeSpec(start, finish, interval, range, samples, align,
          value, zone);
      case "timezone", "tz" -> new TimeSpec(start, finish, interval, range, samples, align,
          offset, value);
      default -> throw new QueryException("unknown time window key '" + key + "' (one of start,"
          + " finish, interval, samples, align, offset, timezone)");
    };
  }
}
