package org.pmsql.serving;

/**
 * What a server's front-ends share, so that a user is one user whatever protocol they speak:
 * the sessions of everyone's work (caps, timeouts, idle sweeping, the memory guard), where
 * each front-end's statements join them, and the failed logins that throttle guessing.
 */
public record ServingCore(Sessions sessions, FrontEndStatements statements,
    FailedLogins failedLogins) {
  public static ServingCore of(Limits limits) {
    FrontEndStatements statements = new FrontEndStatements();
    return new ServingCore(new Sessions(limits, statements), statements, new FailedLogins());
  }
}
