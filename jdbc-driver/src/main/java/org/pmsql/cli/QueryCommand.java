package org.pmsql.cli;

import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.pmsql.jdbc.PcpDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pmsql query}: one SQL statement over archives, printed as a table, CSV or JSON. */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = {"Run one SQL query over PCP archives.",
        "Each host is a schema: <host>.metrics (ts, ts_ns, metric, inst, instance, val,",
        "val_text, val_exact, rate), <host>.\"<metric.name>\", <host>.descs, <host>.instances,",
        "<host>.archives; pcp.hosts lists the hosts. Exit status 1 on an error."})
final class QueryCommand implements Callable<Integer> {
  private static final Pattern STREAM =
      Pattern.compile("\\s*SELECT\\s+STREAM\\b", Pattern.CASE_INSENSITIVE);

  enum Format { table, csv, json }

  @Mixin Sources sources = new Sources();

  @Option(names = "--format", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format;

  @Parameters(index = "0", paramLabel = "SQL", description = "The query.")
  String sql;

  @Override
  public Integer call() {
    Properties props = sources.properties();
    boolean streaming = STREAM.matcher(sql).lookingAt();
    // a stream's rows are shown as they arrive; a finite result is written in large blocks
    PrintStream out = new PrintStream(new BufferedOutputStream(System.out, 1 << 16), streaming,
        StandardCharsets.UTF_8);
    try (Progress progress = Progress.start();
        Connection c = DriverManager.getConnection(PcpDriver.PREFIX, props)) {
      Set<String> reported = new HashSet<>();
      reportSkipped(c, reported);
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        ResultPrinter.forFormat(format.name(), out, streaming).print(rs);
      }
      out.flush();
      reportSkipped(c, reported);
      return 0;
    } catch (SQLException | RuntimeException | LinkageError e) {
      // Calcite evaluates constant expressions in generated static initialisers, so even a
      // division by zero in the SQL can arrive as an ExceptionInInitializerError.
      out.flush();
      System.err.println("pmsql query: " + Errors.oneLine(e));
      if (System.getenv("PMSQL_DEBUG") != null) {
        e.printStackTrace();
      }
      return 1;
    }
  }

  /**
   * Archives left out (unreadable at connect, or damaged part-way through a scan), or servers
   * that did not answer, once each.
   */
  private void reportSkipped(Connection c, Set<String> reported) throws SQLException {
    String sql = sources.federated()
        ? "SELECT 'server ' || server || ': ' || error FROM pcp.server_errors"
        : "SELECT message FROM pcp.archive_errors";
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        if (reported.add(rs.getString(1))) {
          System.err.println("pmsql query: " + (sources.federated() ? "warning: " : "skipped: ")
              + rs.getString(1));
        }
      }
    }
  }
}
