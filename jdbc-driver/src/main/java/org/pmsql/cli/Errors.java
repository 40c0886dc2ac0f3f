package org.pmsql.cli;

/**
 * One readable line for an error: Calcite wraps the useful message (a bad token with its
 * position, an unknown table, the file and offset of damage) in layers of context.
 */
public final class Errors {
  private Errors() {}

  public static String oneLine(Throwable e) {
    String best = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        best = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (best == null) {
      return e.getClass().getSimpleName();
    }
    int expecting = best.indexOf("Was expecting");
    if (expecting > 0) {
      best = best.substring(0, expecting);
    }
    return best.replaceAll("\\s+", " ").trim();
  }
}
