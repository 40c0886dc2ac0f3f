package org.pmsql.sql;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;

/**
 * Text that names an instant, as clients write it: {@code 2018-01-01 15:00:00[.fff]} or
 * {@code 2018-01-01} (read on the wall clock of the session's zone), or ISO 8601 with an offset
 * ({@code 2018-01-01T15:00:00Z}, {@code +01:00}), which names the instant whatever the zone.
 */
public final class TimestampText {
  private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart()
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
      .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
      .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
      .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
      .optionalEnd()
      .optionalStart().optionalStart().appendLiteral(' ').optionalEnd()
      .appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().optionalStart().appendLiteral(' ').optionalEnd()
      .appendOffset("+HHMM", "Z").optionalEnd()
      .optionalStart().optionalStart().appendLiteral(' ').optionalEnd()
      .appendOffset("+HH", "Z").optionalEnd()
      .optionalEnd()
      .toFormatter().withChronology(IsoChronology.INSTANCE)
      .withResolverStyle(ResolverStyle.STRICT);

  private TimestampText() {}

  /**
   * Milliseconds since the epoch of the instant {@code text} names, a wall-clock time being
   * read in {@code zone} (the earlier instant where a clock change repeats it).
   *
   * @throws IllegalArgumentException naming the text and the forms accepted
   */
  public static long epochMillis(String text, ZoneId zone) {
    String trimmed = text.strip();
    try {
      TemporalAccessor parsed = FORMAT.parse(trimmed);
      LocalDate date = LocalDate.from(parsed);
      LocalTime time = parsed.isSupported(ChronoField.HOUR_OF_DAY) ? LocalTime.from(parsed)
          : LocalTime.MIDNIGHT;
      LocalDateTime wallClock = LocalDateTime.of(date, time);
      if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
        return wallClock.toInstant(ZoneOffset.from(parsed)).toEpochMilli();
      }
      return wallClock.atZone(zone).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("cannot read '" + text + "' as a timestamp: write"
          + " 'YYYY-MM-DD HH:MM:SS[.fff]' (read in time zone " + zone.getId() + ") or ISO 8601"
          + " with an offset, such as '2018-01-01T15:00:00Z'", e);
    } catch (DateTimeException | ArithmeticException e) {
      throw new IllegalArgumentException("cannot read '" + text + "' as a timestamp: "
          + e.getMessage(), e);
    }
  }
}
