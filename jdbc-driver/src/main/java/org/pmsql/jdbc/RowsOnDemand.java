package org.pmsql.jdbc;

import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.pmsql.sql.QueryErrors;

/**
 * The rows of a result, each fetched when the result set's caller asks for it and not before,
 * so a live stream delivers a row as soon as it is logged. A scan stopped by cancel or query
 * timeout, or failed by an archive error or any other, reaches the caller as the SQLException that
 * {@link java.sql.ResultSet#next()} declares rather than as a bare runtime exception.
 */
public final class RowsOnDemand implements Iterator<Object>, AutoCloseable {
  private final Enumerator<Object> rows;
  private boolean fetched;
  private boolean present;

  public RowsOnDemand(Enumerable<Object> rows) {
    this.rows = rows.enumerator();
  }

  @Override
  public boolean hasNext() {
    if (!fetched) {
      try {
        present = rows.moveNext();
      } catch (RuntimeException e) {
        throw sneaky(asSqlException(e));
      }
      fetched = true;
    }
    return present;
  }

  @Override
  public Object next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    fetched = false;
    try {
      // Calcite computes a row's expressions here, not in moveNext()
      return rows.current();
    } catch (RuntimeException e) {
      throw sneaky(asSqlException(e));
    }
  }

  private static SQLException asSqlException(RuntimeException e) {
    if (e instanceof CancellationException) {
      return e.getMessage().contains("timed out")
          ? new SQLTimeoutException(e.getMessage(), "57014", e)
          : new SQLException(e.getMessage(), "57014", e);
    }
    if (e instanceof UncheckedIOException) {
      return new SQLException(e.getMessage(), "58030", e.getCause());
    }
    return new SQLException(QueryErrors.oneLine(e), e);
  }

  @Override
  public void close() {
    rows.close();
  }

  /**
   * Throws a checked exception through Iterator's signature: ResultSet.next(), the only caller,
   * declares SQLException.
   */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
