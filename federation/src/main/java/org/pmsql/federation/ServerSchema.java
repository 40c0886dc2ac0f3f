package org.pmsql.federation;

import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheLoader;
import com.google.common.cache.LoadingCache;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcConvention;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Schemas;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.lookup.LikePattern;
import org.apache.calcite.schema.lookup.Lookup;
import org.apache.calcite.schema.lookup.Named;
import org.apache.calcite.sql.SqlDialect;
import org.apache.calcite.sql.SqlDialectFactoryImpl;

/**
 * A host's schema on a pmsql server through Calcite's JDBC adapter, its tables (and so their
 * row types) kept for ten minutes: JdbcSchema alone asks the server for a table's metadata
 * at every query that names it, which costs round trips, and planning could not go on while
 * a server is silent.
 */
final class ServerSchema extends JdbcSchema {
  private static final Duration KEPT = Duration.ofMinutes(10);

  private final Lookup<Table> tables;

  private ServerSchema(DataSource source, SqlDialect dialect, JdbcConvention convention,
      String schema) {
    super(source, dialect, convention, null, schema);
    this.tables = kept(super.tables());
  }

  /** Names, tables and case-insensitive matches, each asked of the server once in a while. */
  private static Lookup<Table> kept(Lookup<Table> asked) {
    LoadingCache<String, Optional<Table>> byName = cache(n -> Optional.ofNullable(asked.get(n)));
    LoadingCache<String, Optional<Named<Table>>> byAnyCase =
        cache(n -> Optional.ofNullable(asked.getIgnoreCase(n)));
    LoadingCache<String, Set<String>> names = cache(p -> asked.getNames(new LikePattern(p)));
    return new Lookup<>() {
      @Override
      public Table get(String name) {
        return byName.getUnchecked(name).orElse(null);
      }

      @Override
      public Named<Table> getIgnoreCase(String name) {
        return byAnyCase.getUnchecked(name).orElse(null);
      }

      @Override
      public Set<String> getNames(LikePattern pattern) {
        return names.getUnchecked(pattern.pattern);
      }
    };
  }

  private static <V> LoadingCache<String, V> cache(Function<String, V> load) {
    return CacheBuilder.newBuilder().expireAfterWrite(KEPT).build(CacheLoader.from(load::apply));
  }

  /** The server's schema {@code schema}, added under {@code name}. */
  static ServerSchema create(SchemaPlus parent, String name, DataSource source, String schema) {
    SqlDialect dialect = createDialect(SqlDialectFactoryImpl.INSTANCE, source);
    return new ServerSchema(source, dialect, JdbcConvention.of(dialect,
        Schemas.subSchemaExpression(parent, name, JdbcSchema.class), name), schema);
  }

  @Override
  public Lookup<Table> tables() {
    return tables;
  }
}
