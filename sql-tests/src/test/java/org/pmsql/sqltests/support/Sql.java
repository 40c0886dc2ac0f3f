package org.pmsql.sqltests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.pmsql.archive.Archive;
import org.pmsql.testsupport.PcpTools;

/** Connections over test archives, and results as lists of rows. */
public final class Sql {
  private Sql() {}

  public static Connection connect(Path... archives) throws SQLException {
    Properties props = new Properties();
    StringBuilder paths = new StringBuilder();
    for (Path p : archives) {
      paths.append(paths.length() == 0 ? "" : ",").append(p);
    }
    props.setProperty("archives", paths.toString());
    return DriverManager.getConnection("jdbc:pcp:", props);
  }

  /**
   * {@code ./pmsql ARGS} as a process of its own (run through {@code prefix}, such as
   * {@code ip netns exec NS}, when not empty), output and errors together.
   */
  public static PcpTools.Result pmsql(String prefix, String args) throws Exception {
    return PcpTools.run(300, "bash", "-c", "cd " + PcpTools.repositoryRoot() + " && exec "
        + prefix + " ./pmsql " + args);
  }

  public static Path sample() {
    return PcpTools.repositoryRoot().resolve("samples/sample-host");
  }

  /** The self-contained driver jar that mvn package builds in jdbc-driver/target. */
  public static Path shadedJar() throws IOException {
    try (Stream<Path> files = Files.list(PcpTools.repositoryRoot().resolve("jdbc-driver/target"))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-all.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no shaded jar: mvn package builds it"));
    }
  }

  public static String host(Path archive) throws Exception {
    return Archive.open(archive).hostname();
  }

  public static List<Object[]> rows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rows(rs);
    }
  }

  public static List<Object[]> rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<Object[]> rows = new ArrayList<>();
    while (rs.next()) {
      Object[] row = new Object[md.getColumnCount()];
      for (int i = 0; i < row.length; i++) {
        row[i] = rs.getObject(i + 1);
      }
      rows.add(row);
    }
    return rows;
  }

  /** Rows as text, one line each, for comparing results in a readable failure message. */
  public static String show(List<Object[]> rows) {
    StringBuilder text = new StringBuilder();
    for (Object[] row : rows) {
      text.append(Arrays.deepToString(row)).append('\n');
    }
    return text.toString();
  }

  public static String explain(Connection c, String sql) throws SQLException {
    StringBuilder plan = new StringBuilder();
    for (Object[] row : rows(c, "EXPLAIN PLAN FOR " + sql)) {
      plan.append(row[0]);
    }
    return plan.toString();
  }
}
