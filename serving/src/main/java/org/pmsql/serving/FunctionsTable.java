package org.pmsql.serving;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * {@code pcp.functions}: what DatabaseMetaData.getFunctions answers on the server's own
 * connection. Avatica's protocol has no request for it, so jdbc:pcp:remote: clients read this
 * table to answer getFunctions as a local connection does.
 */
public final class FunctionsTable extends AbstractTable implements ScannableTable {
  public static final String NAME = "functions";

  private final List<Object[]> rows;

  private FunctionsTable(List<Object[]> rows) {
    this.rows = rows;
  }

  public static FunctionsTable of(Connection connection) throws SQLException {
    List<Object[]> rows = new ArrayList<>();
    try (ResultSet rs = connection.getMetaData().getFunctions(null, null, null)) {
      while (rs.next()) {
        rows.add(new Object[] {rs.getString("FUNCTION_CAT"), rs.getString("FUNCTION_SCHEM"),
            rs.getString("FUNCTION_NAME"), rs.getString("REMARKS"),
            (int) rs.getShort("FUNCTION_TYPE"), rs.getString("SPECIFIC_NAME")});
      }
    }
    return new FunctionsTable(List.copyOf(rows));
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory f) {
    return f.builder()
        .add("FUNCTION_CAT", SqlTypeName.VARCHAR).nullable(true)
        .add("FUNCTION_SCHEM", SqlTypeName.VARCHAR).nullable(true)
        .add("FUNCTION_NAME", SqlTypeName.VARCHAR)
        .add("REMARKS", SqlTypeName.VARCHAR).nullable(true)
        .add("FUNCTION_TYPE", SqlTypeName.SMALLINT)
        .add("SPECIFIC_NAME", SqlTypeName.VARCHAR)
        .build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    return Linq4j.asEnumerable(rows);
  }
}
