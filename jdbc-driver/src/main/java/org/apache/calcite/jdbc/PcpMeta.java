package org.apache.calcite.jdbc;

import java.util.List;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.pmsql.jdbc.RowsOnDemand;
import org.pmsql.sql.AsofSyntax;

/**
 * Calcite's local Meta as a jdbc:pcp: connection uses it:
 * <ul>
 * <li>a result set asks for a row only when its caller asks for one (Calcite iterates results
 *     through a look-ahead iterator that fetches row k+1 before it hands over row k; over a
 *     live stream that holds every row back until the next one is logged);
 * <li>SQL is read with the keyless ASOF join Calcite's parser lacks ({@link AsofSyntax}).
 * </ul>
 * This class sits in Calcite's package only because CalciteMetaImpl's constructor takes the
 * package-private CalciteConnectionImpl.
 */
public final class PcpMeta extends CalciteMetaImpl {
  private PcpMeta(CalciteConnectionImpl connection) {
    super(connection, CalciteMetaTableFactoryImpl.INSTANCE, CalciteMetaColumnFactoryImpl.INSTANCE);
  }

  public static Meta create(AvaticaConnection connection) {
    return new PcpMeta((CalciteConnectionImpl) connection);
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    return super.prepare(ch, AsofSyntax.withOnClauses(sql), maxRowCount);
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    return super.prepareAndExecute(h, AsofSyntax.withOnClauses(sql), maxRowCount,
        maxRowsInFirstFrame, callback);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Iterable<Object> createIterable(StatementHandle handle, QueryState state,
      Signature signature, List<TypedValue> parameterValues, Frame firstFrame) {
    Iterable<Object> rows =
        super.createIterable(handle, state, signature, parameterValues, firstFrame);
    return rows instanceof Enumerable<?> enumerable
        ? () -> new RowsOnDemand((Enumerable<Object>) enumerable) : rows;
  }
}
