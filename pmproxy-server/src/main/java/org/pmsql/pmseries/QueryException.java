package org.pmsql.pmseries;

/** An expression, time or parameter the client got wrong: answered as HTTP 400 with why. */
public final class QueryException extends Exception {
  public QueryException(String message) {
    super(message);
  }
}
