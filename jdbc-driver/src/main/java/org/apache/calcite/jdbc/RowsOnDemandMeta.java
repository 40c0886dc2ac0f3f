package org.apache.calcite.jdbc;

import java.util.List;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;
import org.pmsql.jdbc.RowsOnDemand;

/**
 * Calcite's local Meta, except that a result set asks for a row only when its caller asks for
 * one. Calcite iterates results through a look-ahead iterator that fetches row k+1 before it
 * hands over row k; over a live stream that holds every row back until the next one is logged.
 * This class sits in Calcite's package only because CalciteMetaImpl's constructor takes the
 * package-private CalciteConnectionImpl.
 */
public final class RowsOnDemandMeta extends CalciteMetaImpl {
  private RowsOnDemandMeta(CalciteConnectionImpl connection) {
    super(connection, CalciteMetaTableFactoryImpl.INSTANCE, CalciteMetaColumnFactoryImpl.INSTANCE);
  }

  public static Meta create(AvaticaConnection connection) {
    return new RowsOnDemandMeta((CalciteConnectionImpl) connection);
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
