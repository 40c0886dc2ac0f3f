package org.pmsql.pmseries;

/** What a series must have, from an expression's braces: {@code {hostname=="a" && ...}}. */
public sealed interface Qualifier {

  /** What a comparison names on its left. */
  enum Subject { LABEL, INSTANCE, METRIC, SOURCE }

  record And(Qualifier left, Qualifier right) implements Qualifier {}

  record Or(Qualifier left, Qualifier right) implements Qualifier {}

  /**
   * {@code name op value}: a label (by name), or an instance's, metric's or source's name.
   * {@code quoted}: the value was written in double quotes, and so is compared with a label's
   * JSON text as a JSON string (an unquoted number compares with a number label).
   */
  record Compare(Subject subject, String name, String op, String value, boolean quoted)
      implements Qualifier {}
}
