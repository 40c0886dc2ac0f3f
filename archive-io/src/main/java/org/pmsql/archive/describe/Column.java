package org.pmsql.archive.describe;

/** A column of a describing table: its name, kind of value, and whether it may be null. */
public record Column(String name, Kind kind, boolean nullable) {
  /** What a column's values are: text, int, double, or a time as long nanoseconds. */
  public enum Kind { TEXT, INTEGER, DOUBLE, TIME }

  static Column of(String name, Kind kind) {
    return new Column(name, kind, false);
  }

  static Column nullable(String name, Kind kind) {
    return new Column(name, kind, true);
  }
}
