package org.apache.calcite.jdbc;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.Meta;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.LikePattern;
import org.pmsql.jdbc.JdbcCatalog;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.pmsql.jdbc.RowsOnDemand;
import org.pmsql.sql.asof.AsofSyntax;
import org.pmsql.sql.QueryErrors;

/**
 * Calcite's local Meta as a jdbc:pcp: connection uses it:
 * <ul>
 * <li>a result set asks for a row only when its caller asks for one (Calcite iterates results
 *     through a look-ahead iterator that fetches row k+1 before it hands over row k; over a
 *     live stream that holds every row back until the next one is logged);
 * <li>SQL is read with the keyless ASOF join Calcite's parser lacks ({@link AsofSyntax});
 * <li>whatever stops a query reaches the caller as one readable line ({@link QueryErrors}),
 *     never as the planner's dump or an Error that would end the caller's thread;
 * <li>DatabaseMetaData as JDBC tools read it ({@link JdbcCatalog}): plain type names, JDBC's
 *     column sizes, name patterns with {@code _} and without regard to case, every table type.
 * </ul>
 * This class sits in Calcite's package only because CalciteMetaImpl's constructor takes the
 * package-private CalciteConnectionImpl.
 */
public final class PcpMeta extends CalciteMetaImpl {
  private static final CalciteMetaColumnFactory COLUMNS = new CalciteMetaColumnFactory() {
    @Override
    public MetaColumn createColumn(Table table, String tableCat, String tableSchem,
        String tableName, String columnName, int dataType, String typeName, Integer columnSize,
        Integer decimalDigits, int numPrecRadix, int nullable, Integer charOctetLength,
        int ordinalPosition, String isNullable) {
      int precision = columnSize == null ? -1 : columnSize;
      return CalciteMetaColumnFactoryImpl.INSTANCE.createColumn(table, tableCat, tableSchem,
          tableName, columnName, dataType, JdbcCatalog.typeName(typeName),
          JdbcCatalog.columnSize(dataType, precision),
          JdbcCatalog.decimalDigits(dataType, decimalDigits, precision), numPrecRadix,
          nullable, JdbcCatalog.charOctetLength(dataType, precision), ordinalPosition,
          isNullable);
    }

    @Override
    public Class<? extends MetaColumn> getMetaColumnClass() {
      return CalciteMetaColumnFactoryImpl.INSTANCE.getMetaColumnClass();
    }
  };

  private PcpMeta(CalciteConnectionImpl connection) {
    super(connection, CalciteMetaTableFactoryImpl.INSTANCE, COLUMNS);
  }

  public static Meta create(AvaticaConnection connection) {
    return new PcpMeta((CalciteConnectionImpl) connection);
  }

  /**
   * Statements are numbered and registered one at a time: Calcite does neither safely, and
   * tools such as SchemaCrawler read metadata on one connection from several threads.
   */
  @Override
  public synchronized StatementHandle createStatement(ConnectionHandle ch) {
    return super.createStatement(ch);
  }

  @Override
  public synchronized void closeStatement(StatementHandle h) {
    super.closeStatement(h);
  }

  @Override
  public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
    try {
      return super.prepare(ch, AsofSyntax.withOnClauses(sql), maxRowCount);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      throw QueryErrors.readable(e);
    }
  }

  @Override
  public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount,
      int maxRowsInFirstFrame, PrepareCallback callback) throws NoSuchStatementException {
    try {
      return super.prepareAndExecute(h, AsofSyntax.withOnClauses(sql), maxRowCount,
          maxRowsInFirstFrame, callback);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      throw QueryErrors.readable(e);
    }
  }

  @Override
  public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues,
      int maxRowsInFirstFrame) throws NoSuchStatementException {
    try {
      return super.execute(h, parameterValues, maxRowsInFirstFrame);
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      throw QueryErrors.readable(e);
    }
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

  @Override
  Enumerable<MetaSchema> schemas(String catalog, LikePattern pattern) {
    Predicate<String> wanted = JdbcCatalog.pattern(pattern.pattern);
    return super.schemas(catalog, LikePattern.any()).where(s -> wanted.test(s.tableSchem));
  }

  @Override
  Enumerable<MetaTable> tables(MetaSchema schema, LikePattern pattern) {
    Predicate<String> wanted = JdbcCatalog.pattern(pattern.pattern);
    return super.tables(schema, LikePattern.any()).where(t -> wanted.test(t.tableName));
  }

  /** No catalogs: tables are named by schema and name, never by a third part. */
  @Override
  Enumerable<MetaCatalog> catalogs() {
    return Linq4j.emptyEnumerable();
  }

  @Override
  Enumerable<MetaTableType> tableTypes() {
    return Linq4j.asEnumerable(JdbcCatalog.TABLE_TYPES).select(MetaTableType::new);
  }

  @Override
  public MetaResultSet getColumns(ConnectionHandle ch, String catalog, Pat schemaPattern,
      Pat tableNamePattern, Pat columnNamePattern) {
    Predicate<String> wanted = JdbcCatalog.pattern(columnNamePattern.s);
    return resultSet(schemas(catalog, new LikePattern(schemaPattern.s))
        .selectMany(schema -> tables(schema, new LikePattern(tableNamePattern.s)))
        .selectMany(this::columns)
        .where(column -> wanted.test(column.columnName)),
        COLUMNS.getMetaColumnClass(), COLUMNS.getColumnNames());
  }

  /** Metadata rows of a record class as a result set, each name a public field of it. */
  private MetaResultSet resultSet(Enumerable<?> rows, Class<?> clazz, List<String> names) {
    List<ColumnMetaData> columns = new ArrayList<>(names.size());
    List<Field> fields = new ArrayList<>(names.size());
    List<String> fieldNames = new ArrayList<>(names.size());
    for (String name : names) {
      String fieldName = AvaticaUtils.toCamelCase(name);
      Field field;
      try {
        field = clazz.getField(fieldName);
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException("metadata class " + clazz + " lacks " + fieldName, e);
      }
      columns.add(columnMetaData(name, columns.size(), field.getType(), false));
      fields.add(field);
      fieldNames.add(fieldName);
    }
    @SuppressWarnings("unchecked")
    Iterable<Object> iterable = (Iterable<Object>) rows;
    return createResultSet(Map.of(), columns, CursorFactory.record(clazz, fields, fieldNames),
        new Frame(0, true, iterable));
  }
}
