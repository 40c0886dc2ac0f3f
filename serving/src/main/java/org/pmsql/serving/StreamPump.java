package org.pmsql.serving;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The rows of one remote {@code SELECT STREAM}, handed out in batches on a time budget, whatever
 * the protocol that carries them. A fetch that read a whole batch with blocking {@code next()}
 * calls would keep a live row waiting until a hundred more were logged. Here a reader thread
 * takes rows from the result set as they are logged into a bounded queue, each as the front-end
 * encodes it, and a fetch returns what has arrived: it waits up to {@link #LONG_POLL_MILLIS} for
 * a first row (an idle stream costs one request a second), then collects rows that follow
 * closely, for at most {@link #FRAME_BUDGET_MILLIS}. The bounded queue holds back the reader
 * when a client stops fetching, so a stream's memory stays bounded.
 */
public final class StreamPump implements AutoCloseable {
  static final long LONG_POLL_MILLIS = 1000;
  static final long FRAME_BUDGET_MILLIS = 200;
  /** A row that follows within this many ms of the previous one joins the same frame. */
  private static final long LINGER_MILLIS = 10;
  private static final Object END = new Object();

  private final Statement statement;
  private final BlockingQueue<Object> rows;
  private final Thread reader;
  private volatile boolean closed;
  private boolean ended;

  /** A front-end's encoding of the current row of a result set. */
  @FunctionalInterface
  public interface RowReader {
    /** The next row as the front-end sends it, or null at the end of the results. */
    Object next(ResultSet results) throws SQLException;
  }

  /** Rows that arrived, and whether the stream has ended. */
  public record Batch(List<Object> rows, boolean done) {}

  private StreamPump(Statement statement, ResultSet results, RowReader rowReader,
      int queueRows, String name) {
    this.statement = statement;
    this.rows = new ArrayBlockingQueue<>(queueRows);
    this.reader = new Thread(() -> read(results, rowReader), name);
    reader.setDaemon(true);
  }

  public static StreamPump start(Statement statement, ResultSet results, RowReader rowReader,
      int queueRows, String name) {
    StreamPump pump = new StreamPump(statement, results, rowReader, queueRows, name);
    pump.reader.start();
    return pump;
  }

  private void read(ResultSet results, RowReader rowReader) {
    Object last = END;
    try {
      for (Object row = rowReader.next(results); row != null; row = rowReader.next(results)) {
        rows.put(row);
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

  /** The next batch: rows that have arrived, or none if nothing arrived within the long poll. */
  public Batch next(int maxRows) throws SQLException {
    if (ended) {
      return new Batch(List.of(), true);
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
    return new Batch(frame, ended);
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
