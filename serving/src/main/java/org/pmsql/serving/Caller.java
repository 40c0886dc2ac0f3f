package org.pmsql.serving;

/**
 * Who sent the request being served: the authenticated user (empty on a server without users,
 * which only loopback clients reach) and whether that user may ask for metrics to be logged.
 */
public record Caller(String user, boolean mayRequestLogging) {
  public static final Caller ANONYMOUS = new Caller("", true);
}
