package org.pmsql.pmproxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.sql.DataSource;
import org.pmsql.jdbc.ConnectProperties;
import org.pmsql.jdbc.PcpDriver;
import org.pmsql.pmseries.Expression;
import org.pmsql.pmseries.Functions;
import org.pmsql.pmseries.QueryException;
import org.pmsql.pmseries.QueryParser;
import org.pmsql.pmseries.Selector;
import org.pmsql.pmseries.Series;
import org.pmsql.pmseries.TimeSpec;
import org.pmsql.pmseries.TimeWindow;
import org.pmsql.serving.Caller;
import org.pmsql.serving.RunningSlots;
import org.pmsql.serving.Sessions;
import org.pmsql.sql.catalog.SeriesIds;

/**
 * pmproxy's REST API, answered from the archives: its PMAPI part ({@code /pmapi/*}, what
 * grafana-pcp's Vector data source polls) by {@link PmapiApi}, and its series part
 * ({@code /series/*}: what grafana-pcp's Valkey data source calls) with ids, names,
 * descriptors, instances and labels from each host's series tables and values from its
 * metrics table, all through SQL. Requests are GET or
 * urlencoded POST with pmproxy's parameters; answers are pmproxy's JSON; errors are
 * {@code {"message":..., "success":false}} with HTTP 400 (the request) or 500 (the server).
 * Each request holds one of its user's running turns (the serving core's) while it reads.
 */
public final class PmproxyApi implements AutoCloseable {
  /** Most series ids one request may name. */
  static final int MAX_IDS = 100_000;
  /** Most of a refused request body read before answering, so the client sees the answer. */
  private static final long MAX_DISCARDED_BYTES = 4L << 20;
  /** Most expression ids remembered for descs and metrics. */
  private static final int MAX_DERIVED = 10_000;
  private static final Pattern SERIES_ID = Pattern.compile("[0-9a-f]{40}");
  private static final JsonFactory JSON = new ObjectMapper().getFactory();

  private final Sessions sessions;
  private final int timeoutSeconds;
  private final HikariDataSource pool;
  private final SeriesCatalog catalog = new SeriesCatalog();
  private final ValueCache valueCache = new ValueCache();
  private final PmapiApi pmapi;
  /** The expressions /series/query computed lately, by id: what descs and metrics say. */
  private final Map<String, FunctionQuery.Derived> derived = java.util.Collections
      .synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FunctionQuery.Derived> eldest) {
          return size() > MAX_DERIVED;
        }
      });

  /**
   * {@code archives} gives the archives to read when a connection opens (the served ones and
   * those log requests have written since).
   */
  public PmproxyApi(Supplier<String> archives, Sessions sessions, int timeoutSeconds,
      int connections) {
    this.sessions = sessions;
    this.timeoutSeconds = timeoutSeconds;
    this.pmapi = new PmapiApi(timeoutSeconds);
    HikariConfig config = new HikariConfig();
    config.setPoolName("pmsql-pmproxy");
    config.setDataSource(new ArchivesSource(archives));
    config.setMaximumPoolSize(connections);
    config.setMinimumIdle(0);
    // connections opened later see archives that log requests have started since
    config.setMaxLifetime(60_000);
    config.setReadOnly(true);
    this.pool = new HikariDataSource(config);
  }

  /** Answers one request of {@code caller}'s. */
  public void serve(Caller caller, HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String path = request.getPathInfo() != null ? request.getPathInfo()
        : request.getRequestURI();
    String client;
    try {
      client = request.getParameter("client");
    } catch (RuntimeException e) {
      // Jetty reads a POST body's parameters here, and refuses one over its size limit
      discardBody(request);
      fail(response, null, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
          "the request's parameters cannot be read: " + oneLine(e));
      return;
    }
    try {
      if (path.equals("/series/ping")) {
        respond(response, client, out -> {
          out.writeStartObject();
          out.writeBooleanField("success", true);
          out.writeEndObject();
        });
        return;
      }
      if (PmapiApi.handles(path)) {
        try (RunningSlots.Slot turn = sessions.turn(caller);
            Connection connection = pool.getConnection()) {
          pmapi.serve(caller.user(), path, request, response, client, connection,
              catalog.snapshot(connection));
        }
        return;
      }
      if (!path.startsWith("/series/")) {
        throw new QueryException("unknown API path " + path + ": pmsql serves pmproxy's"
            + " /series/* and /pmapi/* APIs");
      }
      String endpoint = path.substring("/series/".length());
      try (RunningSlots.Slot turn = sessions.turn(caller);
          Connection connection = pool.getConnection()) {
        SeriesCatalog.Snapshot snapshot = catalog.snapshot(connection);
        switch (endpoint) {
          case "query" -> query(response, client, request, connection, snapshot);
          case "values" -> values(response, client, request, connection, snapshot);
          case "descs" -> descs(response, client, ids(request, "series"), snapshot);
          case "metrics" -> metrics(response, client, request, snapshot);
          case "instances" -> instances(response, client, request, snapshot);
          case "labels" -> labels(response, client, request, snapshot);
          case "sources" -> sources(response, client, request, snapshot);
          default -> throw new QueryException("unknown series endpoint /series/" + endpoint
              + " (ping, query, values, descs, metrics, instances, labels, sources)");
        }
      }
    } catch (QueryException e) {
      fail(response, client, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
    } catch (SQLException e) {
      boolean busy = "53000".equals(e.getSQLState()) || "53400".equals(e.getSQLState());
      fail(response, client, busy ? HttpServletResponse.SC_SERVICE_UNAVAILABLE
          : HttpServletResponse.SC_INTERNAL_SERVER_ERROR, oneLine(e));
    } catch (RuntimeException e) {
      fail(response, client, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, oneLine(e));
    }
  }

  private void query(HttpServletResponse response, String client, HttpServletRequest request,
      Connection connection, SeriesCatalog.Snapshot snapshot)
      throws QueryException, SQLException, IOException {
    Expression expression = QueryParser.parse(request.getParameter("expr"));
    if (!(expression instanceof Expression.Selection selection)) {
      functions(response, client, expression, connection, snapshot);
      return;
    }
    List<Series> chosen = new ArrayList<>(new Selector(selection)
        .select(snapshot.all(), snapshot.sourceNames()));
    chosen.sort(Comparator.comparing(Series::id));
    if (selection.time() == null) {
      chosen.forEach(valueCache::named);
      respond(response, client, out -> {
        out.writeStartArray();
        for (Series s : chosen) {
          out.writeString(s.id());
        }
        out.writeEndArray();
      });
      return;
    }
    TimeWindow window = TimeWindow.of(selection.time(), System.currentTimeMillis() * 1_000_000L);
    SeriesValues values = new SeriesValues(connection, timeoutSeconds, valueCache);
    respond(response, client, out -> {
      out.writeStartArray();
      for (Series s : chosen) {
        values.write(out, s, window, snapshot.hosts().get(s.host()), false);
      }
      out.writeEndArray();
    });
  }

  /**
   * A query of functions: without a time window, the id pmseries gives the expression (when it
   * selects any series); with one, the expression's values under that id.
   */
  private void functions(HttpServletResponse response, String client, Expression expression,
      Connection connection, SeriesCatalog.Snapshot snapshot)
      throws QueryException, SQLException, IOException {
    FunctionQuery.check(expression);
    TimeWindow window = expression.time() == null ? null
        : TimeWindow.of(expression.time(), System.currentTimeMillis() * 1_000_000L);
    List<FunctionQuery.Result> results = FunctionQuery.evaluate(expression, snapshot,
        new SeriesValues(connection, timeoutSeconds, valueCache), window);
    if (results.isEmpty()) {
      respond(response, client, out -> {
        out.writeStartArray();
        out.writeEndArray();
      });
      return;
    }
    String text = FunctionQuery.canonical(expression, snapshot);
    String id = SeriesIds.sha1("{\"series\":\"expr\",\"expr\":\"" + text + "\"}");
    FunctionQuery.Result first = results.get(0);
    derived.put(id, new FunctionQuery.Derived(text, first.input().indom(), first.desc()));
    respond(response, client, out -> {
      out.writeStartArray();
      if (window == null) {
        out.writeString(id);
      }
      for (FunctionQuery.Result r : results) {
        for (Functions.Sample sample : r.samples()) {
          for (Functions.Value v : sample.values()) {
            SeriesValues.emit(out, id, v.instance() != null ? v.instance() : r.input().id(),
                SeriesValues.stamp(v.nanos()), v.text());
          }
        }
      }
      out.writeEndArray();
    });
  }

  private void values(HttpServletResponse response, String client, HttpServletRequest request,
      Connection connection, SeriesCatalog.Snapshot snapshot)
      throws QueryException, SQLException, IOException {
    List<String> ids = ids(request, "series");
    if (ids.isEmpty()) {
      throw new QueryException("no series given (series=ID,...)");
    }
    for (String id : ids) {
      if (!SERIES_ID.matcher(id).matches()) {
        throw new QueryException("Invalid SID " + id + ": a series id is 40 hex digits");
      }
    }
    TimeSpec spec = new TimeSpec(first(request, "start", "begin"), first(request, "finish",
        "end"), first(request, "interval", "delta"), request.getParameter("range"),
        first(request, "samples", "count"), request.getParameter("align"),
        request.getParameter("offset"), first(request, "zone", "timezone"));
    TimeWindow window = TimeWindow.of(spec, System.currentTimeMillis() * 1_000_000L);
    SeriesValues values = new SeriesValues(connection, timeoutSeconds, valueCache);
    respond(response, client, out -> {
      out.writeStartArray();
      for (String id : ids) {
        Series s = snapshot.series().get(id);
        if (s != null) {
          values.write(out, s, window, snapshot.hosts().get(s.host()), true);
        }
      }
      out.writeEndArray();
    });
  }

  private void descs(HttpServletResponse response, String client, List<String> ids,
      SeriesCatalog.Snapshot snapshot) throws IOException, SQLException, QueryException {
    respondPerId(response, client, ids, (out, id) -> {
      Series s = snapshot.series().get(id);
      FunctionQuery.Derived d = s == null ? derived.get(id) : null;
      if (d != null) {
        out.writeStartObject();
        out.writeStringField("series", id);
        out.writeStringField("source", "0".repeat(40));
        out.writeStringField("pmid", "511.0.0");
        out.writeStringField("indom", d.indom());
        out.writeStringField("semantics", d.desc().semantics());
        out.writeStringField("type", d.desc().type());
        out.writeStringField("units", d.desc().units());
        out.writeEndObject();
        return;
      }
      out.writeStartObject();
      out.writeStringField("series", id);
      out.writeStringField("source", s == null ? "unknown" : s.source());
      out.writeStringField("pmid", s == null ? "PM_ID_NULL" : s.pmid());
      out.writeStringField("indom", s == null ? "unknown" : s.indom());
      out.writeStringField("semantics", s == null ? "unknown" : s.semantics());
      out.writeStringField("type", s == null ? "unknown" : s.type());
      out.writeStringField("units", s == null ? "unknown" : s.units());
      out.writeEndObject();
    });
  }

  private void metrics(HttpServletResponse response, String client,
      HttpServletRequest request, SeriesCatalog.Snapshot snapshot)
      throws QueryException, IOException, SQLException {
    List<String> ids = ids(request, "series");
    if (!ids.isEmpty()) {
      respondPerId(response, client, ids, (out, id) -> {
        Series s = snapshot.series().get(id);
        FunctionQuery.Derived d = derived.get(id);
        if (s != null || d != null) {
          out.writeStartObject();
          out.writeStringField("series", id);
          out.writeStringField("name", s != null ? s.metric() : d.text());
          out.writeEndObject();
        }
      });
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    snapshot.all().forEach(s -> names.add(s.metric()));
    names(response, client, names, request.getParameter("match"));
  }

  private static void instances(HttpServletResponse response, String client,
      HttpServletRequest request, SeriesCatalog.Snapshot snapshot)
      throws QueryException, IOException, SQLException {
    List<String> ids = ids(request, "series");
    if (!ids.isEmpty()) {
      respondPerId(response, client, ids, (out, id) -> {
        Series s = snapshot.series().get(id);
        for (Series.Instance i : s == null ? List.<Series.Instance>of() : s.instances()) {
          out.writeStartObject();
          out.writeStringField("series", id);
          out.writeStringField("source", s.source());
          out.writeStringField("instance", i.id());
          out.writeNumberField("id", i.inst());
          out.writeStringField("name", i.name());
          out.writeEndObject();
        }
      });
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    snapshot.all().forEach(s -> s.instances().forEach(i -> names.add(i.name())));
    names(response, client, names, request.getParameter("match"));
  }

  private static void labels(HttpServletResponse response, String client,
      HttpServletRequest request, SeriesCatalog.Snapshot snapshot)
      throws QueryException, IOException, SQLException {
    List<String> ids = ids(request, "series");
    if (!ids.isEmpty()) {
      respondPerId(response, client, ids, (out, id) -> {
        Series s = snapshot.series().get(id);
        Series.Instance i = snapshot.instances().get(id);
        String labels = s != null ? s.labelsJson() : i != null ? i.labelsJson() : null;
        if (labels != null) {
          out.writeStartObject();
          out.writeStringField("series", id);
          out.writeFieldName("labels");
          out.writeRawValue(labels);
          out.writeEndObject();
        }
      });
      return;
    }
    Map<String, Set<String>> values = snapshot.labelValues();
    List<String> wanted = ids(request, "names");
    if (wanted.isEmpty()) {
      wanted = ids(request, "name");
    }
    if (!wanted.isEmpty()) {
      List<String> names = wanted;
      respond(response, client, out -> {
        out.writeStartObject();
        for (String name : names) {
          Set<String> known = values.get(name);
          if (known != null) {
            out.writeArrayFieldStart(name);
            for (String json : known) {
              out.writeRawValue(json);
            }
            out.writeEndArray();
          }
        }
        out.writeEndObject();
      });
      return;
    }
    names(response, client, values.keySet(), request.getParameter("match"));
  }

  private static void sources(HttpServletResponse response, String client,
      HttpServletRequest request, SeriesCatalog.Snapshot snapshot)
      throws QueryException, IOException, SQLException {
    List<String> ids = ids(request, "source");
    if (!ids.isEmpty()) {
      respondPerId(response, client, ids, (out, id) -> {
        for (String name : snapshot.sourceNames().getOrDefault(id, List.of())) {
          out.writeStartObject();
          out.writeStringField("source", id);
          out.writeStringField("name", name);
          out.writeEndObject();
        }
      });
      return;
    }
    Set<String> names = new LinkedHashSet<>();
    snapshot.sourceNames().values().forEach(names::addAll);
    names(response, client, names, request.getParameter("match"));
  }

  /** A list of names, those matching the glob {@code match} when given. */
  private static void names(HttpServletResponse response, String client, Set<String> names,
      String match) throws QueryException, IOException, SQLException {
    List<String> chosen = new ArrayList<>();
    if (match == null) {
      chosen.addAll(names);
    } else {
      Pattern glob = Selector.glob(match.strip());
      for (String name : names) {
        if (Selector.matches(glob, name)) {
          chosen.add(name);
        }
      }
    }
    respond(response, client, out -> {
      out.writeStartArray();
      for (String name : chosen) {
        out.writeString(name);
      }
      out.writeEndArray();
    });
  }

  /** A comma-separated parameter's parts (every occurrence of it), at most {@value #MAX_IDS}. */
  static List<String> ids(HttpServletRequest request, String name)
      throws QueryException {
    String[] given = request.getParameterValues(name);
    List<String> ids = new ArrayList<>();
    for (String value : given == null ? new String[0] : given) {
      for (String part : value.split(",")) {
        if (!part.isBlank()) {
          ids.add(part.strip());
        }
      }
      if (ids.size() > MAX_IDS) {
        throw new QueryException(name + ": more than " + MAX_IDS + " given");
      }
    }
    return ids;
  }

  private static String first(HttpServletRequest request, String name, String alias) {
    String value = request.getParameter(name);
    return value != null ? value : request.getParameter(alias);
  }

  @FunctionalInterface
  interface Body {
    void write(JsonGenerator out) throws IOException, SQLException, QueryException;
  }

  @FunctionalInterface
  private interface PerId {
    void write(JsonGenerator out, String id) throws IOException;
  }

  /** A 200 answer: an array of what each id asked about gives. */
  private static void respondPerId(HttpServletResponse response, String client,
      List<String> ids, PerId perId) throws IOException, SQLException, QueryException {
    respond(response, client, out -> {
      out.writeStartArray();
      for (String id : ids) {
        perId.write(out, id);
      }
      out.writeEndArray();
    });
  }

  /** Writes a 200 answer, wrapped as {"client":..., "result":...} when the client asked. */
  static void respond(HttpServletResponse response, String client, Body body)
      throws IOException, SQLException, QueryException {
    response.setStatus(HttpServletResponse.SC_OK);
    response.setContentType("application/json");
    try (JsonGenerator out = JSON.createGenerator(response.getOutputStream())) {
      if (client != null) {
        out.writeStartObject();
        out.writeStringField("client", client);
        out.writeFieldName("result");
      }
      body.write(out);
      if (client != null) {
        out.writeEndObject();
      }
    }
  }

  private static void fail(HttpServletResponse response, String client, int status,
      String message) throws IOException {
    if (response.isCommitted()) {
      // part of an answer is sent: end the connection so the client sees it incomplete
      throw new IOException(message);
    }
    response.resetBuffer();
    response.setStatus(status);
    response.setContentType("application/json");
    try (JsonGenerator out = JSON.createGenerator(response.getOutputStream())) {
      out.writeStartObject();
      if (client != null) {
        out.writeStringField("client", client);
      }
      out.writeStringField("message", message);
      out.writeBooleanField("success", false);
      out.writeEndObject();
    }
  }

  /**
   * Reads and drops what is left of a refused body, up to {@link #MAX_DISCARDED_BYTES}: a
   * client still sending when the connection closed under it lost the answer saying why
   * (Java's HttpClient saw "header parser received no bytes" now and then instead of the 413).
   */
  private static void discardBody(HttpServletRequest request) {
    byte[] buffer = new byte[8192];
    long read = 0;
    try (java.io.InputStream in = request.getInputStream()) {
      for (int n; read < MAX_DISCARDED_BYTES && (n = in.read(buffer)) > 0; ) {
        read += n;
      }
    } catch (IOException | IllegalStateException e) {
      // nothing more can be read: the answer goes out as it may
    }
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  @Override
  public void close() {
    pool.close();
  }

  /** Connections to the archives as they are when each opens. */
  private static final class ArchivesSource implements DataSource {
    private final Supplier<String> archives;

    ArchivesSource(Supplier<String> archives) {
      this.archives = archives;
    }

    @Override
    public Connection getConnection() throws SQLException {
      Properties p = new Properties();
      p.setProperty(ConnectProperties.ARCHIVES.key, archives.get());
      return new PcpDriver().connect(PcpDriver.PREFIX, p);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
