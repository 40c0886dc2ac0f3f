package org.pmsql.sql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.jdbc.Driver;

/**
 * A Calcite connection over the repository's sample archive (host {@code vm}), with pmsql's
 * schemas and connection defaults, prepared by the factory given: {@link PcpPrepare} for
 * pmsql's planning, Calcite's own to see what a host application's connection gets. As
 * Calcite's adapters check their plans with CalciteAssert: EXPLAIN text and rows.
 */
public final class Planned implements AutoCloseable {
  /** The sample archive, found from the module's directory or the repository's. */
  public static final Path SAMPLE = sample();

  private final Connection connection;

  private Planned(Connection connection) {
    this.connection = connection;
  }

  /** A connection planned as pmsql plans. */
  public static Planned pmsql() throws SQLException {
    return with(PcpPrepare::new);
  }

  /** A connection planned as Calcite plans for any application, over the same schemas. */
  public static Planned calcite() throws SQLException {
    return with(CalcitePrepare.DEFAULT_FACTORY::apply);
  }

  private static Planned with(Supplier<CalcitePrepare> prepare) throws SQLException {
    Properties props = SqlRules.connectionDefaults();
    props.setProperty("timeZone", "UTC");
    props.setProperty("typeSystem", PcpTypeSystem.class.getName() + "#INSTANCE");
    Connection c = new Driver().withPrepareFactory(prepare).connect("jdbc:calcite:", props);
    CalciteConnection calcite = c.unwrap(CalciteConnection.class);
    PcpSchemas.register(calcite.getRootSchema(), List.of(SAMPLE), null);
    calcite.setSchema("vm");
    return new Planned(c);
  }

  /** The plan of a query, as EXPLAIN PLAN FOR prints it. */
  public String plan(String sql) throws SQLException {
    return String.join("\n", column("EXPLAIN PLAN FOR " + sql));
  }

  /** The first column of every row of a query, as text. */
  public List<String> column(String sql) throws SQLException {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(1));
      }
      return values;
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }

  private static Path sample() {
    for (Path dir : List.of(Path.of("../samples"), Path.of("samples"))) {
      if (Files.exists(dir.resolve("sample-host.meta"))) {
        return dir.resolve("sample-host").toAbsolutePath().normalize();
      }
    }
    throw new IllegalStateException("samples/sample-host.meta not found from "
        + Path.of("").toAbsolutePath());
  }
}
