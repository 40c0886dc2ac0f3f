package org.pmsql.serving;

/** Limits per statement, per user and on log requests; see {@code pmsql serve --help}. */
public record Limits(int statementTimeoutSeconds, int maxStatementsPerUser, int maxFrameRows,
    int streamQueueRows, int idleTimeoutSeconds, int minLogIntervalMillis,
    int maxLogDurationSeconds, int maxLogRequestsPerUser) {
  public static final Limits DEFAULT =
      new Limits(600, 16, 10_000, 10_000, 300, 1000, 7 * 24 * 3600, 20);

  public Limits withIdleTimeoutSeconds(int seconds) {
    return new Limits(statementTimeoutSeconds, maxStatementsPerUser, maxFrameRows,
        streamQueueRows, seconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser);
  }

  public Limits withStatementTimeoutSeconds(int seconds) {
    return new Limits(seconds, maxStatementsPerUser, maxFrameRows, streamQueueRows,
        idleTimeoutSeconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser);
  }

  public Limits withMaxStatementsPerUser(int statements) {
    return new Limits(statementTimeoutSeconds, statements, maxFrameRows, streamQueueRows,
        idleTimeoutSeconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser);
  }

  public Limits withLogRequests(int minIntervalMillis, int maxPerUser) {
    return new Limits(statementTimeoutSeconds, maxStatementsPerUser, maxFrameRows,
        streamQueueRows, idleTimeoutSeconds, minIntervalMillis, maxLogDurationSeconds,
        maxPerUser);
  }
}
