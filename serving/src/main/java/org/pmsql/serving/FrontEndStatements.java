package org.pmsql.serving;

import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * The statements of a server's two front-ends as the one store its {@link Sessions} ask, so
 * that a user's caps (running, waiting, unread statements) count their work over every
 * protocol together: Avatica numbers its statements from 0 up, the PostgreSQL front-end below
 * 0.
 */
public final class FrontEndStatements implements Sessions.StatementStore {
  private static final Sessions.StatementStore NONE = new Sessions.StatementStore() {
    @Override
    public Statement statement(int statementId) {
      return null;
    }

    @Override
    public boolean hasOpenResults(int statementId) {
      return false;
    }

    @Override
    public void close(int statementId) {
      // nothing is held
    }

    @Override
    public void inUse(String serverId) {
      // nothing is held
    }

    @Override
    public Set<String> expire() {
      return Set.of();
    }
  };

  private volatile Sessions.StatementStore upward = NONE;
  private volatile Sessions.StatementStore downward = NONE;

  /** The front-end whose statement ids are 0 and up. */
  public void attachUpward(Sessions.StatementStore store) {
    upward = store;
  }

  /** The front-end whose statement ids are below 0. */
  public void attachDownward(Sessions.StatementStore store) {
    downward = store;
  }

  private Sessions.StatementStore of(int statementId) {
    return statementId >= 0 ? upward : downward;
  }

  @Override
  public Statement statement(int statementId) {
    return of(statementId).statement(statementId);
  }

  @Override
  public boolean hasOpenResults(int statementId) {
    return of(statementId).hasOpenResults(statementId);
  }

  @Override
  public void close(int statementId) {
    of(statementId).close(statementId);
  }

  @Override
  public void inUse(String serverId) {
    upward.inUse(serverId);
    downward.inUse(serverId);
  }

  @Override
  public Set<String> expire() {
    Set<String> open = new HashSet<>(upward.expire());
    open.addAll(downward.expire());
    return open;
  }
}
