package org.pmsql.pmseries;

import java.util.regex.Pattern;

/**
 * Runs a client's pattern with a bound on its work: java.util.regex backtracks, and a pattern
 * such as (a+)+$ takes exponential time on a short text. The text handed to the matcher counts
 * the characters read and stops the match past {@value #MAX_READS}.
 */
final class BoundedMatch {
  static final int MAX_READS = 1_000_000;

  private BoundedMatch() {}

  /** Whether all of the text matches. */
  static boolean matches(Pattern pattern, String text) throws QueryException {
    return run(pattern, text, true);
  }

  /** Whether some of the text matches. */
  static boolean finds(Pattern pattern, String text) throws QueryException {
    return run(pattern, text, false);
  }

  private static boolean run(Pattern pattern, String text, boolean whole)
      throws QueryException {
    Counted counted = new Counted(text, pattern);
    try {
      return whole ? pattern.matcher(counted).matches() : pattern.matcher(counted).find();
    } catch (TooCostly e) {
      throw counted.refusal();
    }
  }

  private static final class TooCostly extends RuntimeException {
    TooCostly() {
      super(null, null, false, false);
    }
  }

  private static final class Counted implements CharSequence {
    private final String text;
    private final Pattern pattern;
    private int reads;

    Counted(String text, Pattern pattern) {
      this.text = text;
      this.pattern = pattern;
    }

    QueryException refusal() {
      return new QueryException("the pattern '" + pattern.pattern() + "' takes too long to"
          + " match '" + text + "'; simplify it");
    }

    @Override
    public char charAt(int index) {
      if (++reads > MAX_READS) {
        throw new TooCostly();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
