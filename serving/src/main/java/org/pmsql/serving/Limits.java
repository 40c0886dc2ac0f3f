package org.pmsql.serving;

/**
 * Limits per statement, per user and on log requests; see {@code pmsql serve --help}. A user
 * runs at most {@code maxRunningPerUser} calls that compute (executes, fetches of finite
 * results, prepares) at once, and at most {@code maxQueuedPerUser} more wait for a turn.
 */
public record Limits(int statementTimeoutSeconds, int maxStatementsPerUser, int maxFrameRows,
    int streamQueueRows, int idleTimeoutSeconds, int minLogIntervalMillis,
    int maxLogDurationSeconds, int maxLogRequestsPerUser, int maxRunningPerUser,
    int maxQueuedPerUser) {
  /** Running calls one user may have by default: the machine's cores, at least 2. */
  public static final int DEFAULT_RUNNING_PER_USER =
      Math.max(2, Runtime.getRuntime().availableProcessors());

  public static final Limits DEFAULT = new Limits(600, 16, 10_000, 10_000, 300, 1000,
      7 * 24 * 3600, 20, DEFAULT_RUNNING_PER_USER, 32);

  public Limits withIdleTimeoutSeconds(int seconds) {
    return new Limits(statementTimeoutSeconds, maxStatementsPerUser, maxFrameRows,
        streamQueueRows, seconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser, maxRunningPerUser, maxQueuedPerUser);
  }

  public Limits withStatementTimeoutSeconds(int seconds) {
    return new Limits(seconds, maxStatementsPerUser, maxFrameRows, streamQueueRows,
        idleTimeoutSeconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser, maxRunningPerUser, maxQueuedPerUser);
  }

  public Limits withMaxStatementsPerUser(int statements) {
    return new Limits(statementTimeoutSeconds, statements, maxFrameRows, streamQueueRows,
        idleTimeoutSeconds, minLogIntervalMillis, maxLogDurationSeconds,
        maxLogRequestsPerUser, maxRunningPerUser, maxQueuedPerUser);
  }

  public Limits withLogRequests(int minIntervalMillis, int maxPerUser) {
    return new Limits(statementTimeoutSeconds, maxStatementsPerUser, maxFrameRows,
        streamQueueRows, idleTimeoutSeconds, minIntervalMillis, maxLogDurationSeconds,
        maxPerUser, maxRunningPerUser, maxQueuedPerUser);
  }
}
