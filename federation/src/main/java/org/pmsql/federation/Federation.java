package org.pmsql.federation;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ViewTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.source.DaemonThreads;
import org.pmsql.sql.HostSchema;
import org.pmsql.sql.PcpSchemas;
import org.pmsql.sql.SqlRules;
import org.pmsql.sql.catalog.CatalogTables;

/**
 * {@code jdbc:pcp:servers=URL[,URL...]}: many pmsql servers as one catalog. Every server is
 * asked for its pcp.hosts at once; a host one server holds is that server's schema through
 * Calcite's JDBC adapter, which sends filters and aggregates to it as SQL. A host several
 * servers hold (split by time, by metrics, or replicated) gets views over their tables cut into
 * time segments: each segment takes every metric from one server that covers it (the one
 * holding the most history, whose rates have the most context), so data several servers hold
 * appears once and data only one holds (other metrics) is kept; a time predicate drops the
 * segments, and so the servers, it excludes. {@code pcp.hosts} lists every host with its
 * server, {@code pcp.servers} every server, {@code pcp.server_errors} the failures.
 */
public final class Federation {
  /**
   * A segment bound as text with an offset: it names the instant whatever the connection's
   * time zone, where a zone-less TIMESTAMP literal would be read on that zone's wall clock.
   */
  private static final DateTimeFormatter INSTANT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Federation() {}

  /** A server's answer: the hosts it serves, or why there are none. */
  public record Answer(String server, List<HostSpan> hosts, String failure) {}

  /**
   * A host as a server's pcp.hosts lists it: its first and last times (UTC epoch millis, null
   * when it has no values) and how many archives hold it.
   */
  public record HostSpan(String host, Long firstMillis, Long lastMillis, int archives) {}

  /** A server holding a host, with the host's time span there. */
  private record Holder(String server, Long firstMillis, Long lastMillis) {}

  /**
   * How a federated connection treats its servers: seconds to answer the catalog at connect,
   * seconds for any later request of a query, and whether a server that fails either fails
   * the connection or query (rather than being listed and, for a host that others hold too,
   * left out).
   */
  public record Options(int catalogTimeoutSeconds, int queryTimeoutSeconds, boolean required) {}

  /** A server listed or discovered, and how it was found ("servers" or "mdns"). */
  public record Server(String url, String foundBy) {}

  /**
   * One server's share of a host: its time span, the end exclusive (MAX: still growing), and
   * the metrics it has tables for.
   */
  private record Part(String schema, long first, long end, Set<String> metrics) {
    boolean covers(long from, long to) {
      return first <= from && end >= to;
    }
  }

  public static void register(SchemaPlus root, List<Server> servers, Options options)
      throws SQLException {
    List<Answer> answers = ask(servers.stream().map(Server::url).toList(),
        options.catalogTimeoutSeconds(), null, null);
    ServerErrors errors = new ServerErrors();
    Map<String, List<Holder>> holders = new LinkedHashMap<>();
    List<Object[]> hosts = new ArrayList<>();
    List<Object[]> serverRows = new ArrayList<>();
    for (int i = 0; i < answers.size(); i++) {
      Answer answer = answers.get(i);
      serverRows.add(new Object[] {answer.server(), servers.get(i).foundBy(),
          answer.failure() == null ? "ok" : "failed", answer.hosts().size(), answer.failure()});
      if (answer.failure() != null) {
        if (options.required()) {
          throw new SQLException("server " + answer.server() + " did not answer: "
              + answer.failure() + " (servers_required=true)", "08001");
        }
        errors.add(answer.server(), answer.failure());
        continue;
      }
      for (HostSpan host : answer.hosts()) {
        holders.computeIfAbsent(host.host(), h -> new ArrayList<>())
            .add(new Holder(answer.server(), host.firstMillis(), host.lastMillis()));
        hosts.add(new Object[] {host.host(), host.firstMillis(), host.lastMillis(),
            host.archives(), answer.server()});
      }
    }
    holders.forEach((host, held) -> {
      if (held.size() == 1) {
        root.add(host, ServerSchema.create(root, host,
            source(held.get(0).server(), false, errors, options), host));
      } else {
        addSplitHost(root, host, held, errors, options);
      }
    });
    PcpSchemas.addCatalog(root, Map.of(
        "hosts", new CatalogTables.ListTable(f -> f.builder()
            .add("host", SqlTypeName.VARCHAR)
            .add("first_ts", SqlTypeName.TIMESTAMP, 3)
            .add("last_ts", SqlTypeName.TIMESTAMP, 3)
            .add("archive_count", SqlTypeName.INTEGER)
            .add("server", SqlTypeName.VARCHAR)
            .build(), () -> hosts),
        "servers", new CatalogTables.ListTable(f -> f.builder()
            .add("server", SqlTypeName.VARCHAR)
            .add("found_by", SqlTypeName.VARCHAR)
            .add("state", SqlTypeName.VARCHAR)
            .add("host_count", SqlTypeName.INTEGER)
            .add("error", SqlTypeName.VARCHAR).nullable(true)
            .build(), () -> serverRows),
        "server_errors", new CatalogTables.ListTable(f -> f.builder()
            .add("server", SqlTypeName.VARCHAR)
            .add("error", SqlTypeName.VARCHAR)
            .add("at", SqlTypeName.TIMESTAMP, 3)
            .build(), errors::rows)));
    PcpSchemas.addAllHosts(root, List.copyOf(holders.keySet()));
  }

  /**
   * The JDBC adapter's source for a server: its pool, connecting within the catalog timeout,
   * each request answered within the query timeout, failures named ({@link ServerSource}).
   */
  private static DataSource source(String server, boolean leaveOut, ServerErrors errors,
      Options options) {
    return ServerSource.of(ServerPools.pooled(server, options.catalogTimeoutSeconds(),
        options.queryTimeoutSeconds()), server,
        leaveOut && !options.required(), errors);
  }

  /**
   * A host on several servers: a hidden schema per server ("host:1", ...) and, per table, a
   * view over their tables. Value tables are cut into time segments at every server's first
   * and last time; catalog tables are merged without duplicates, latest takes each metric
   * from the server with its newest value. Live tables stay out: streams are not federated.
   */
  private static void addSplitHost(SchemaPlus root, String host, List<Holder> held,
      ServerErrors errors, Options options) {
    long newest = held.stream()
        .mapToLong(h -> h.lastMillis() == null ? Long.MAX_VALUE : h.lastMillis())
        .max().orElse(Long.MAX_VALUE);
    List<Part> parts = new ArrayList<>();
    TreeSet<String> tables = new TreeSet<>();
    for (int i = 0; i < held.size(); i++) {
      // a name no host has (host names have no colon) that Calcite accepts in rule names
      String schema = host + ":" + (i + 1);
      SchemaPlus added = root.add(schema, ServerSchema.create(root, schema,
          source(held.get(i).server(), true, errors, options), host));
      tables.addAll(added.getTableNames());
      Long first = held.get(i).firstMillis();
      Long last = held.get(i).lastMillis();
      // the server with the newest data may still be logging: its span stays open
      parts.add(new Part(schema, first == null ? Long.MIN_VALUE : first,
          last == null || last == newest ? Long.MAX_VALUE : last + 1,
          added.getTableNames().stream()
              .filter(t -> HostSchema.holdsValues(t) && !t.equals("metrics"))
              .collect(Collectors.toSet())));
    }
    // the server holding the most history first: it is the one a segment's rows come from
    parts.sort(Comparator.comparingLong(Part::first));
    SchemaPlus union = root.add(host, new AbstractSchema());
    for (String table : tables) {
      if (HostSchema.isLive(table)) {
        continue;
      }
      List<Part> having = parts.stream()
          .filter(p -> root.getSubSchema(p.schema()).getTable(table) != null).toList();
      String sql = HostSchema.holdsValues(table) ? segments(having, table)
          : table.equals("latest") ? newestRows(root, having)
          : union(having, table);
      union.add(table, ViewTable.viewMacro(union, sql, List.of(), List.of(host, table), false));
    }
  }

  /**
   * A value table over its servers: one SELECT per time segment (between consecutive first
   * and end times), UNION ALL in time order. Where several servers cover a segment, each
   * metric comes from the first of them (in {@code parts} order) that has it.
   */
  private static String segments(List<Part> parts, String table) {
    TreeSet<Long> times = new TreeSet<>(List.of(Long.MIN_VALUE, Long.MAX_VALUE));
    parts.forEach(p -> {
      times.add(p.first());
      times.add(p.end());
    });
    List<Long> cuts = new ArrayList<>(times);
    List<String> selects = new ArrayList<>();
    List<Part> previous = List.of();
    long from = Long.MIN_VALUE;
    // consecutive cuts covered by the same servers form one segment
    for (int i = 0; i + 1 < cuts.size(); i++) {
      long segmentFrom = cuts.get(i);
      long segmentTo = cuts.get(i + 1);
      List<Part> covering = parts.stream().filter(p -> p.covers(segmentFrom, segmentTo))
          .toList();
      if (!covering.equals(previous)) {
        if (!previous.isEmpty()) {
          selects.add(segment(previous, table, from, segmentFrom));
        }
        previous = covering;
        from = segmentFrom;
      }
    }
    if (!previous.isEmpty()) {
      selects.add(segment(previous, table, from, Long.MAX_VALUE));
    }
    return String.join(" UNION ALL ", selects);
  }

  private static String instant(long millis) {
    return "CAST('" + INSTANT.format(Instant.ofEpochMilli(millis)) + "' AS TIMESTAMP(3))";
  }

  private static String segment(List<Part> covering, String table, long from, long to) {
    List<String> bounds = new ArrayList<>();
    if (from != Long.MIN_VALUE) {
      bounds.add("\"ts\" >= " + instant(from));
    }
    if (to != Long.MAX_VALUE) {
      bounds.add("\"ts\" < " + instant(to));
    }
    if (!table.equals("metrics")) {
      return select(covering.get(0), table, bounds);
    }
    List<String> selects = new ArrayList<>();
    Set<String> taken = new TreeSet<>();
    for (Part part : covering) {
      if (!selects.isEmpty() && taken.containsAll(part.metrics())) {
        continue;
      }
      List<String> where = new ArrayList<>(bounds);
      List<String> already = part.metrics().stream().filter(taken::contains)
          .map(SqlRules::literal).toList();
      if (!already.isEmpty()) {
        where.add("\"metric\" NOT IN (" + String.join(", ", already) + ")");
      }
      selects.add(select(part, table, where));
      taken.addAll(part.metrics());
    }
    return String.join(" UNION ALL ", selects);
  }

  private static String select(Part part, String table, List<String> where) {
    return "SELECT * FROM " + SqlRules.identifier(part.schema()) + "." + SqlRules.identifier(table)
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where));
  }

  private static String union(List<Part> parts, String table) {
    return String.join(" UNION ", parts.stream().map(p -> select(p, table, List.of())).toList());
  }

  /**
   * latest over several servers: each metric's rows from the server whose latest value of it
   * is newest, so its instances are those of that server's newest instance domain (as a local
   * latest over all the archives gives them).
   */
  private static String newestRows(SchemaPlus root, List<Part> parts) {
    String columns = root.getSubSchema(parts.get(0).schema()).getTable("latest")
        .getRowType(new JavaTypeFactoryImpl()).getFieldNames().stream()
        .map(c -> "l." + SqlRules.identifier(c)).collect(Collectors.joining(", "));
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < parts.size(); i++) {
      selects.add("SELECT " + i + " AS \"part\", t.* FROM "
          + SqlRules.identifier(parts.get(i).schema()) + ".\"latest\" t");
    }
    String all = "(" + String.join(" UNION ALL ", selects) + ")";
    String newest = "(SELECT \"metric\", max(\"ts_ns\") AS \"ts_ns\" FROM " + all
        + " GROUP BY \"metric\")";
    String holder = "(SELECT l.\"metric\", min(l.\"part\") AS \"part\" FROM " + all + " l JOIN "
        + newest + " n ON l.\"metric\" = n.\"metric\" AND l.\"ts_ns\" = n.\"ts_ns\""
        + " GROUP BY l.\"metric\")";
    // joins, not ROW_NUMBER(): Calcite's JDBC adapter cannot place a window over its scans
    return "SELECT " + columns + " FROM " + all + " l JOIN " + holder
        + " h ON l.\"metric\" = h.\"metric\" AND l.\"part\" = h.\"part\"";
  }

  /**
   * Every server's pcp.hosts, asked at once; a server that is down, refuses or stays silent
   * longer than the timeout answers with its failure. With a user, BASIC authentication.
   */
  public static List<Answer> ask(List<String> servers, int timeoutSeconds, String user,
      String password) {
    if (servers.isEmpty()) {
      return List.of();
    }
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
          answers.add(new Answer(servers.get(i), List.of(),
              "no answer in " + timeoutSeconds + " s"));
        }
      }
      return answers;
    } finally {
      askers.shutdownNow();
    }
  }

  private static Answer ask(String server, int timeoutSeconds, String user, String password) {
    try (Connection c = ServerPools.connect(server, timeoutSeconds, user, password)) {
      return new Answer(server, hosts(c), null);
    } catch (SQLException | RuntimeException e) {
      // the stock Avatica client reports a refused connection as a runtime exception
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new Answer(server, List.of(), message.lines().findFirst().orElse(message));
    }
  }

  /** A connection's pcp.hosts, by host. */
  /** The hosts a connection's pcp.hosts lists. */
  public static List<HostSpan> hosts(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT host, first_ts, last_ts, archive_count FROM pcp.hosts ORDER BY host")) {
      List<HostSpan> hosts = new ArrayList<>();
      Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"), Locale.ROOT);
      while (rs.next()) {
        Timestamp first = rs.getTimestamp(2, utc);
        Timestamp last = rs.getTimestamp(3, utc);
        hosts.add(new HostSpan(rs.getString(1), first == null ? null : first.getTime(),
            last == null ? null : last.getTime(), rs.getInt(4)));
      }
      return hosts;
    }
  }
}
