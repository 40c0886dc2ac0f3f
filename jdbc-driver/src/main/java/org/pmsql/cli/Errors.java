package org.pmsql.cli;

import org.pmsql.sql.QueryErrors;

/** One readable line for an error, as the command line prints it ({@link QueryErrors}). */
public final class Errors {
  private Errors() {}

  public static String oneLine(Throwable e) {
    return QueryErrors.oneLine(e);
  }
}
