package org.pmsql.server;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.jdbc.JdbcMetaInternals;
import org.apache.calcite.avatica.util.DateTimeUtils;

/**
 * The rows of one remote {@code SELECT STREAM}, served in frames on a time budget. Avatica's
 * own fetch reads a whole frame with blocking {@code next()} calls, so a live row would wait
 * until a hundred more were logged. Here a reader thread takes rows from the result set as they
 * are logged into a bounded queue, and a fetch returns what has arrived: it waits up to
 * {@link #LONG_POLL_MILLIS} for a first row (an idle stream costs one request a second), then
 * collects rows that follow closely, for at most {@link #FRAME_BUDGET_MILLIS}. The bounded queue
 * holds back the reader when a client stops fetching, so a stream's memory stays bounded.
 */
final class StreamFrames implements AutoCloseable {
  static final long LONG_POLL_MILLIS = 1000;
  static final long FRAME_BUDGET_MILLIS = 200;
  /** A row that follows within this many ms of the previous one joins the same frame. */
  private static final long LINGER_MILLIS = 10;
  private static final Object END = new Object();

  private final Statement statement;
  private final BlockingQueue<Object> rows;
  private final Thread reader;
  private volatile long lastFetchNanos = System.nanoTime();
  private volatile boolean closed;
  private boolean ended;

  private StreamFrames(Statement statement, ResultSet results, Meta.Signature signature,
      int queueRows, String name) {
    this.statement = statement;
    this.rows = new ArrayBlockingQueue<>(queueRows);
    this.reader = new Thread(() -> read(results, signature), name);
    reader.setDaemon(true);
  }

  static StreamFrames start(Statement statement, ResultSet results, Meta.Signature signature,
      int queueRows, String name) {
    StreamFrames frames = new StreamFrames(statement, results, signature, queueRows, name);
    frames.reader.start();
    return frames;
  }

  private void read(ResultSet results, Meta.Signature signature) {
    Object last = END;
    try {
      var calendar = DateTimeUtils.calendar();
      for (;;) {
        Meta.Frame one = JdbcMetaInternals.frame(results, 1, calendar, signature);
        if (one.done) {
          break;
        }
        for (Object row : one.rows) {
          rows.put(row);
        }
      }
    } catch (InterruptedException e) {
      return;
    } catch (SQLException | RuntimeException e) {
      last = closed ? END : e;
    } finally {
      try {
        results.close();
      } catch (SQLException | RuntimeException e) {
        // the stream ends either way; closing only releases its files and watches
      }
    }
    try {
      rows.put(last);
    } catch (InterruptedException e) {
      // closed while the client had stopped fetching: nobody waits for the end any more
    }
  }

  /** The next frame: rows that have arrived, or none if nothing arrived within the long poll. */
  Meta.Frame next(long offset, int maxRows) throws SQLException {
    lastFetchNanos = System.nanoTime();
    if (ended) {
      return new Meta.Frame(offset, true, List.of());
    }
    List<Object> frame = new ArrayList<>();
    try {
      Object row = rows.poll(LONG_POLL_MILLIS, TimeUnit.MILLISECONDS);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FRAME_BUDGET_MILLIS);
      while (row != null) {
        if (row == END) {
          ended = true;
          break;
        }
        if (row instanceof Exception e) {
          ended = true;
          throw e instanceof SQLException s ? s : new SQLException(e.getMessage(), e);
        }
        frame.add(row);
        long left = deadline - System.nanoTime();
        if (frame.size() >= maxRows || left <= 0) {
          break;
        }
        row = rows.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS)),
            TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("stream fetch interrupted", e);
    }
    lastFetchNanos = System.nanoTime();
    return new Meta.Frame(offset, ended, frame);
  }

  long idleMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastFetchNanos);
  }

  /**
   * Ends the stream: the statement's cancel flag stops the follower between waits, and an
   * interrupt frees a reader blocked on a full queue; the reader then closes the result set.
   */
  @Override
  public void close() {
    closed = true;
    try {
      statement.cancel();
    } catch (SQLException e) {
      // already closed: the reader is ending anyway
    }
    reader.interrupt();
    try {
      reader.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
