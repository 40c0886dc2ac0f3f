package org.pmsql.sql;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.calcite.adapter.jdbc.JdbcSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ViewTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.DaemonThreads;

/**
 * {@code jdbc:pcp:servers=URL[,URL...]}: many pmsql servers as one catalog. Every server is
 * asked for its pcp.hosts at once; a host one server holds is that server's schema through
 * Calcite's JDBC adapter, which sends filters and aggregates to it as SQL; a host several
 * servers hold (split by time or metrics) gets views that UNION their tables, so overlapping
 * ranges give each row once. {@code pcp.hosts} lists every host with its server;
 * {@code pcp.server_errors} the servers that did not answer (unless servers_required makes
 * that fail the connection).
 */
public final class Federation {
  private Federation() {}

  /**
   * A server's answer: its hosts as (host, first and last UTC epoch millis, archive count), or
   * why there are none.
   */
  public record Answer(String server, DataSource source, List<Object[]> hosts, String failure) {}

  public static void register(SchemaPlus root, List<String> servers, int timeoutSeconds,
      boolean required) throws SQLException {
    List<Answer> answers = ask(servers, timeoutSeconds, null, null);
    List<Object[]> errors = new ArrayList<>();
    Map<String, List<Answer>> holders = new LinkedHashMap<>();
    List<Object[]> hosts = new ArrayList<>();
    for (Answer answer : answers) {
      if (answer.failure() != null) {
        if (required) {
          throw new SQLException("server " + answer.server() + " did not answer: "
              + answer.failure() + " (servers_required=true)", "08001");
        }
        errors.add(new Object[] {answer.server(), answer.failure()});
        continue;
      }
      for (Object[] host : answer.hosts()) {
        holders.computeIfAbsent((String) host[0], h -> new ArrayList<>()).add(answer);
        hosts.add(new Object[] {host[0], host[1], host[2], host[3], answer.server()});
      }
    }
    holders.forEach((host, held) -> addHost(root, host, held));
    CounterAggregates.register(root);
    TimeBucket.register(root);
    Map<String, Table> catalog = Map.of(
        "hosts", new CatalogTables.ListTable(f -> f.builder()
            .add("host", SqlTypeName.VARCHAR)
            .add("first_ts", SqlTypeName.TIMESTAMP, 3)
            .add("last_ts", SqlTypeName.TIMESTAMP, 3)
            .add("archive_count", SqlTypeName.INTEGER)
            .add("server", SqlTypeName.VARCHAR)
            .build(), () -> hosts),
        "server_errors", new CatalogTables.ListTable(f -> f.builder()
            .add("server", SqlTypeName.VARCHAR)
            .add("error", SqlTypeName.VARCHAR)
            .build(), () -> errors));
    root.add(PcpSchemas.CATALOG_SCHEMA, new AbstractSchema() {
      @Override
      protected Map<String, Table> getTableMap() {
        return catalog;
      }
    });
  }

  private static void addHost(SchemaPlus root, String host, List<Answer> held) {
    if (held.size() == 1) {
      root.add(host, JdbcSchema.create(root, host, held.get(0).source(), null, host));
      return;
    }
    // one hidden schema per server, and views over them
    TreeSet<String> tables = new TreeSet<>();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < held.size(); i++) {
      // a name no host has (host names have no colon) that Calcite accepts in rule names
      String part = host + ":" + (i + 1);
      SchemaPlus schema = root.add(part,
          JdbcSchema.create(root, part, held.get(i).source(), null, host));
      tables.addAll(schema.getTableNames());
      parts.add(part);
    }
    SchemaPlus union = root.add(host, new AbstractSchema());
    for (String table : tables) {
      StringBuilder sql = new StringBuilder();
      for (String part : parts) {
        if (root.getSubSchema(part).getTable(table) == null) {
          continue;
        }
        sql.append(sql.isEmpty() ? "" : " UNION ").append("SELECT * FROM ")
            .append(quote(part)).append('.').append(quote(table));
      }
      union.add(table, ViewTable.viewMacro(union, sql.toString(), List.of(),
          List.of(host, table), false));
    }
  }

  private static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /**
   * Every server's pcp.hosts, asked at once; a server that is down, refuses or stays silent
   * longer than the timeout answers with its failure. With a user, BASIC authentication.
   */
  public static List<Answer> ask(List<String> servers, int timeoutSeconds, String user,
      String password) {
    ExecutorService askers = Executors.newFixedThreadPool(Math.min(servers.size(), 16),
        DaemonThreads.named("pmsql-federation"));
    try {
      List<Future<Answer>> pending = new ArrayList<>();
      for (String server : servers) {
        pending.add(askers.submit(() -> ask(server.strip(), timeoutSeconds, user, password)));
      }
      List<Answer> answers = new ArrayList<>();
      for (int i = 0; i < servers.size(); i++) {
        try {
          answers.add(pending.get(i).get(timeoutSeconds + 2L, TimeUnit.SECONDS));
        } catch (Exception e) {
          pending.get(i).cancel(true);
          answers.add(new Answer(servers.get(i), null, List.of(),
              "no answer in " + timeoutSeconds + " s"));
        }
      }
      return answers;
    } finally {
      askers.shutdownNow();
    }
  }

  private static Answer ask(String server, int timeoutSeconds, String user, String password) {
    String millis = Long.toString(timeoutSeconds * 1000L);
    String credentials = user == null ? "" : ";authentication=BASIC;avatica_user=" + user
        + ";avatica_password=" + (password == null ? "" : password);
    DataSource source = JdbcSchema.dataSource("jdbc:avatica:remote:url=" + server
        + ";serialization=protobuf;http_connection_timeout=" + millis
        + ";http_response_timeout=" + millis + credentials,
        "org.apache.calcite.avatica.remote.Driver", null, null);
    try (Connection c = source.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT host, first_ts, last_ts, archive_count FROM pcp.hosts ORDER BY host")) {
      List<Object[]> hosts = new ArrayList<>();
      Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);
      while (rs.next()) {
        Timestamp first = rs.getTimestamp(2, utc);
        Timestamp last = rs.getTimestamp(3, utc);
        hosts.add(new Object[] {rs.getString(1), first == null ? null : first.getTime(),
            last == null ? null : last.getTime(), rs.getInt(4)});
      }
      return new Answer(server, source, hosts, null);
    } catch (SQLException | RuntimeException e) {
      // the stock Avatica client reports a refused connection as a runtime exception
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new Answer(server, null, List.of(), message.lines().findFirst().orElse(message));
    }
  }
}
