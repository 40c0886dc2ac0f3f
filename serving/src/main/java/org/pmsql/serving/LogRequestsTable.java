package org.pmsql.serving;

import java.util.AbstractCollection;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.Queryable;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.Prepare;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.logical.LogicalTableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.ModifiableTable;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractTableQueryable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code pcp.log_requests}: INSERT asks the server to log a metric of a host for a while,
 * SELECT shows the requests and what is being logged for them, DELETE withdraws requests.
 * Calcite runs INSERT and DELETE as add and removeAll on {@link #getModifiableCollection()};
 * the requests themselves live in the server's {@link LogRequests}, shared by all connections.
 */
public final class LogRequestsTable extends AbstractTable
    implements ModifiableTable, ScannableTable {
  public static final String NAME = "log_requests";

  private final LogRequests requests;
  private final Caller caller;

  public LogRequestsTable(LogRequests requests, Caller caller) {
    this.requests = requests;
    this.caller = caller;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder()
        .add("host", SqlTypeName.VARCHAR)
        .add("metric", SqlTypeName.VARCHAR)
        .add("interval_ms", SqlTypeName.INTEGER)
        .add("duration_s", SqlTypeName.INTEGER)
        .add("id", SqlTypeName.BIGINT).nullable(true)
        .add("requested_by", SqlTypeName.VARCHAR).nullable(true)
        .add("requested_at", SqlTypeName.TIMESTAMP, 3).nullable(true)
        .add("expires_at", SqlTypeName.TIMESTAMP, 3).nullable(true)
        .add("state", SqlTypeName.VARCHAR).nullable(true)
        .add("logged_every_ms", SqlTypeName.INTEGER).nullable(true)
        .add("archive", SqlTypeName.VARCHAR).nullable(true)
        .build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    return Linq4j.asEnumerable(requests.rows());
  }

  @Override
  public Collection<Object[]> getModifiableCollection() {
    return new AbstractCollection<>() {
      @Override
      public boolean add(Object[] row) {
        requests.add(caller, (String) row[0], (String) row[1], (Integer) row[2],
            (Integer) row[3]);
        return true;
      }

      @Override
      public boolean removeAll(Collection<?> rows) {
        boolean removed = false;
        for (Object row : rows) {
          removed |= requests.withdraw(caller, (Long) ((Object[]) row)[4]);
        }
        return removed;
      }

      /** Calcite counts the rows a statement changed by the size before and after it. */
      @Override
      public int size() {
        return requests.size();
      }

      @Override
      public Iterator<Object[]> iterator() {
        return requests.rows().iterator();
      }
    };
  }

  @Override
  public TableModify toModificationRel(RelOptCluster cluster, RelOptTable table,
      Prepare.CatalogReader catalogReader, RelNode child, TableModify.Operation operation,
      List<String> updateColumnList, List<RexNode> sourceExpressionList, boolean flattened) {
    if (operation != TableModify.Operation.INSERT && operation != TableModify.Operation.DELETE) {
      throw new UnsupportedOperationException("pcp.log_requests takes INSERT and DELETE;"
          + " to change a request, insert a new one (requests for one metric merge)");
    }
    return LogicalTableModify.create(table, catalogReader, child, operation, updateColumnList,
        sourceExpressionList, flattened);
  }

  @Override
  public <T> Queryable<T> asQueryable(QueryProvider provider, SchemaPlus schema, String name) {
    return new AbstractTableQueryable<>(provider, schema, this, name) {
      @Override
      @SuppressWarnings("unchecked")
      public org.apache.calcite.linq4j.Enumerator<T> enumerator() {
        return (org.apache.calcite.linq4j.Enumerator<T>) Linq4j.enumerator(requests.rows());
      }
    };
  }

  @Override
  public java.lang.reflect.Type getElementType() {
    return Object[].class;
  }

  @Override
  public org.apache.calcite.linq4j.tree.Expression getExpression(SchemaPlus schema,
      String tableName, Class clazz) {
    return org.apache.calcite.schema.Schemas.tableExpression(schema, getElementType(), tableName,
        clazz);
  }
}
