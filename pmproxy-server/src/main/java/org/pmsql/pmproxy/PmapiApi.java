package org.pmsql.pmproxy;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.pmsql.pmseries.QueryException;
import org.pmsql.pmseries.Series;

/**
 * pmproxy's PMAPI part ({@code /pmapi/*}: what grafana-pcp's Vector data source calls) over a
 * host's archives instead of its pmcd: a context names a host, {@code metric}, {@code indom}
 * and {@code children} describe what its archives hold, and {@code fetch} answers each metric's
 * values in the newest record that holds it (the live tail while pmlogger writes), with that
 * record's time. Derived metrics and stores are refused: archives are read-only and pmsql
 * computes with SQL. Errors carry pmproxy's messages, which Vector matches ("unknown context
 * identifier", "Unknown metric name", "metric has null indom").
 */
final class PmapiApi {
  private static final Pattern PATH = Pattern.compile("/pmapi/(?:(\\d+)/)?_?([a-z]+)");
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "local");
  private static final MathContext FLOAT = new MathContext(8);
  private static final MathContext DOUBLE = new MathContext(16);

  private final PmapiContexts contexts = new PmapiContexts();
  private final LatestValues latest = new LatestValues();
  private final int timeoutSeconds;

  PmapiApi(int timeoutSeconds) {
    this.timeoutSeconds = timeoutSeconds;
  }

  /** Whether {@code path} is a PMAPI request. */
  static boolean handles(String path) {
    return path.startsWith("/pmapi/");
  }

  void serve(String user, String path, HttpServletRequest request,
      HttpServletResponse response, String client, Connection connection,
      SeriesCatalog.Snapshot snapshot) throws QueryException, SQLException, IOException {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      throw new QueryException("unknown PMAPI path " + path + " (context, metric, indom, fetch,"
          + " children)");
    }
    String command = m.group(2);
    String contextId = request.getParameter("context") != null ? request.getParameter("context")
        : m.group(1);
    PmapiContexts.Context context = contextId != null ? contexts.use(user, contextId)
        : contexts.create(user, host(request, snapshot), request.getParameter("polltimeout"));
    switch (command) {
      case "context" -> context(response, client, context, connection);
      case "metric" -> metric(response, client, context, request, connection, snapshot);
      case "indom" -> indom(response, client, context, request, connection, snapshot);
      case "fetch" -> fetch(response, client, context, request, connection);
      case "children" -> children(response, client, context, request, connection);
      case "derive", "store", "profile" -> throw new QueryException(command + " is not served:"
          + " pmsql reads archives, which are not changed, and computes with SQL");
      default -> throw new QueryException("unknown PMAPI command " + command + " (context,"
          + " metric, indom, fetch, children)");
    }
  }

  /**
   * The host a hostspec names ({@code pcp://host:port?...}, {@code host}, {@code local:}): one
   * whose archives are served; loopback names the only host served, or this machine's own.
   */
  private static String host(HttpServletRequest request, SeriesCatalog.Snapshot snapshot)
      throws QueryException {
    String spec = request.getParameter("hostspec");
    if (spec == null) {
      spec = request.getParameter("hostname");
    }
    if (spec == null) {
      spec = "localhost";
    }
    if (spec.contains("container=")) {
      throw new QueryException("hostspec " + spec + ": containers are not served from archives");
    }
    String name = spec.strip().replaceFirst("^pcps?:(//)?", "").replaceFirst("[?/@].*$", "")
        .replaceFirst("^\\[(.*)\\](:\\d+)?$", "$1").replaceFirst("^([^:]*):\\d+$", "$1");
    for (String served : snapshot.hosts().keySet()) {
      if (served.equalsIgnoreCase(name)) {
        return served;
      }
    }
    if (LOOPBACK.contains(name.toLowerCase(Locale.ROOT)) || name.isEmpty()) {
      if (snapshot.hosts().size() == 1) {
        return snapshot.hosts().keySet().iterator().next();
      }
      try {
        String own = InetAddress.getLocalHost().getHostName();
        for (String served : snapshot.hosts().keySet()) {
          if (served.equalsIgnoreCase(own)) {
            return served;
          }
        }
      } catch (UnknownHostException e) {
        // no name of its own: only a served host's name can be meant
      }
    }
    throw new QueryException("hostspec " + spec + " names no host whose archives pmsql serves"
        + " (hosts: " + String.join(", ", snapshot.hosts().keySet()) + ")");
  }

  private static void context(HttpServletResponse response, String client,
      PmapiContexts.Context context, Connection connection)
      throws SQLException, IOException, QueryException {
    String source = null;
    String labels = "{}";
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT source, labels FROM "
            + SeriesCatalog.quote(context.host) + ".series_sources")) {
      while (rs.next()) {
        source = rs.getString(1);
        labels = rs.getString(2);
      }
    }
    String sourceId = source;
    String contextLabels = labels;
    respond(response, client, context, out -> {
      if (sourceId != null) {
        out.writeStringField("source", sourceId);
      }
      out.writeStringField("hostspec", context.host);
      out.writeFieldName("labels");
      out.writeRawValue(contextLabels);
    });
  }

  /** A metric's descriptor as descs has it. */
  private record Desc(String name, String pmid, String type, String semantics, String units,
      String indom, String oneLine, String help) {}

  private static Map<String, Desc> descs(Connection connection, String host)
      throws SQLException {
    Map<String, Desc> descs = new LinkedHashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT metric, pmid, value_type, semantics, units,"
            + " indom, one_line, help_text FROM " + SeriesCatalog.quote(host) + ".descs")) {
      while (rs.next()) {
        descs.put(rs.getString(1), new Desc(rs.getString(1), rs.getString(2), rs.getString(3),
            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
            rs.getString(8)));
      }
    }
    return descs;
  }

  /**
   * The comma list of the first of {@code names} given (PMNS roots, or names), read as the
   * series API reads its lists: bounded in length.
   */
  private static List<String> roots(HttpServletRequest request, String... names)
      throws QueryException {
    for (String name : names) {
      if (request.getParameter(name) != null) {
        return PmproxyApi.ids(request, name);
      }
    }
    return List.of();
  }

  private static boolean under(String metric, String root) {
    return metric.equals(root) || (metric.startsWith(root) && metric.length() > root.length()
        && metric.charAt(root.length()) == '.');
  }

  private static void metric(HttpServletResponse response, String client,
      PmapiContexts.Context context, HttpServletRequest request, Connection connection,
      SeriesCatalog.Snapshot snapshot) throws SQLException, IOException, QueryException {
    Map<String, Desc> descs = descs(connection, context.host);
    List<String> roots = roots(request, "prefix", "names", "name");
    Map<String, Series> series = seriesByMetric(snapshot, context.host);
    Map<String, String> labels = metricLabels(connection, context.host);
    List<Object> found = new ArrayList<>();
    for (String root : roots.isEmpty() ? List.of("") : roots) {
      boolean any = false;
      for (Desc d : descs.values()) {
        if (root.isEmpty() || under(d.name(), root)) {
          found.add(d);
          any = true;
        }
      }
      if (!any) {
        if (roots.size() == 1) {
          throw new QueryException(root + " traversal failed - Unknown metric name");
        }
        found.add(root);
      }
    }
    respond(response, client, context, out -> {
      out.writeArrayFieldStart("metrics");
      for (Object f : found) {
        out.writeStartObject();
        if (f instanceof String unknown) {
          out.writeStringField("name", unknown);
          out.writeStringField("message", "Unknown metric name");
          out.writeBooleanField("success", false);
        } else {
          Desc d = (Desc) f;
          Series s = series.get(d.name());
          out.writeStringField("name", d.name());
          if (s != null) {
            out.writeStringField("series", s.id());
          }
          out.writeStringField("pmid", d.pmid());
          if (hasIndom(d)) {
            out.writeStringField("indom", d.indom());
          }
          out.writeStringField("type", d.type());
          out.writeStringField("sem", d.semantics());
          out.writeStringField("units", d.units().isEmpty() ? "none" : d.units());
          out.writeFieldName("labels");
          out.writeRawValue(labels.getOrDefault(d.name(), "{}"));
          if (d.oneLine() != null && !d.oneLine().isEmpty()) {
            out.writeStringField("text-oneline", d.oneLine());
          }
          String help = d.help() != null && !d.help().isEmpty() ? d.help() : d.oneLine();
          if (help != null && !help.isEmpty()) {
            out.writeStringField("text-help", help);
          }
        }
        out.writeEndObject();
      }
      out.writeEndArray();
    });
  }

  /** Each metric's labels, every one in force (optional ones too), as pmcd gives them. */
  private static Map<String, String> metricLabels(Connection connection, String host)
      throws SQLException {
    Map<String, String> labels = new java.util.HashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT metric, labels FROM "
            + SeriesCatalog.quote(host) + ".metric_labels WHERE inst IS NULL")) {
      while (rs.next()) {
        labels.put(rs.getString(1), rs.getString(2));
      }
    }
    return labels;
  }

  private static boolean hasIndom(Desc d) {
    return d.indom() != null && !d.indom().equals("PM_INDOM_NULL");
  }

  private static Map<String, Series> seriesByMetric(SeriesCatalog.Snapshot snapshot,
      String host) {
    Map<String, Series> byMetric = new LinkedHashMap<>();
    for (Series s : snapshot.series().values()) {
      if (s.host().equals(host)) {
        byMetric.put(s.metric(), s);
      }
    }
    return byMetric;
  }

  private static void indom(HttpServletResponse response, String client,
      PmapiContexts.Context context, HttpServletRequest request, Connection connection,
      SeriesCatalog.Snapshot snapshot) throws SQLException, IOException, QueryException {
    String metric = request.getParameter("name");
    String indom = request.getParameter("indom");
    Series series = null;
    if (metric != null) {
      Desc d = descs(connection, context.host).get(metric.strip());
      if (d == null) {
        throw new QueryException(metric + " - failed to lookup metric");
      }
      if (!hasIndom(d)) {
        throw new QueryException(metric + " - metric has null indom");
      }
      indom = d.indom();
      series = seriesByMetric(snapshot, context.host).get(d.name());
    } else if (indom == null || !indom.strip().matches("\\d+\\.\\d+")) {
      throw new QueryException(indom == null ? "bad indom parameters"
          : "failed to lookup indom " + indom);
    }
    Map<Integer, String> labels = new LinkedHashMap<>();
    if (series != null) {
      series.instances().forEach(i -> labels.put(i.inst(), i.labelsJson()));
    }
    List<Object[]> instances = new ArrayList<>();
    try (var st = connection.prepareStatement("SELECT inst, instance FROM "
        + SeriesCatalog.quote(context.host) + ".instances WHERE indom = ? AND gone_ts IS NULL"
        + " ORDER BY inst")) {
      st.setString(1, indom.strip());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          instances.add(new Object[] {rs.getInt(1), rs.getString(2)});
        }
      }
    }
    String domain = indom.strip();
    String domainLabels = series == null ? "{}" : series.labelsJson();
    respond(response, client, context, out -> {
      out.writeStringField("indom", domain);
      out.writeFieldName("labels");
      out.writeRawValue(domainLabels);
      out.writeArrayFieldStart("instances");
      for (Object[] i : instances) {
        out.writeStartObject();
        out.writeNumberField("instance", (Integer) i[0]);
        out.writeStringField("name", (String) i[1]);
        out.writeFieldName("labels");
        out.writeRawValue(labels.getOrDefault((Integer) i[0], "{}"));
        out.writeEndObject();
      }
      out.writeEndArray();
    });
  }

  private void fetch(HttpServletResponse response, String client, PmapiContexts.Context context,
      HttpServletRequest request, Connection connection)
      throws SQLException, IOException, QueryException {
    boolean single = request.getParameter("names") == null;
    List<String> names = roots(request, "names", "name");
    if (names.isEmpty()) {
      throw new QueryException("bad parameters passed: fetch needs names=");
    }
    Map<String, Desc> descs = descs(connection, context.host);
    LatestValues.HostValues values = latest.of(connection, context.host, timeoutSeconds);
    Map<Desc, LatestValues.Metric> wanted = new LinkedHashMap<>();
    long newest = Long.MIN_VALUE;
    for (String name : names) {
      Desc d = descs.get(name);
      LatestValues.Metric metric = d == null ? null : values.metric(name);
      if (metric == null) {
        if (single) {
          throw new QueryException("bad parameters passed");
        }
        continue;
      }
      wanted.put(d, metric);
      newest = Math.max(newest, metric.nanos());
    }
    long at = newest == Long.MIN_VALUE ? values.newestNanos() : newest;
    respond(response, client, context, out -> {
      if (at != Long.MIN_VALUE) {
        out.writeFieldName("timestamp");
        out.writeNumber(BigDecimal.valueOf(at, 9));
      }
      out.writeArrayFieldStart("values");
      for (Map.Entry<Desc, LatestValues.Metric> m : wanted.entrySet()) {
        Desc d = m.getKey();
        out.writeStartObject();
        out.writeStringField("pmid", d.pmid());
        out.writeStringField("name", d.name());
        out.writeArrayFieldStart("instances");
        for (Map.Entry<Integer, LatestValues.Value> e : m.getValue().values().entrySet()) {
          out.writeStartObject();
          out.writeFieldName("instance");
          if (e.getKey() == null) {
            out.writeNull();
          } else {
            out.writeNumber(e.getKey());
          }
          out.writeFieldName("value");
          writeValue(out, d.type(), e.getValue());
          out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
      }
      out.writeEndArray();
    });
  }

  /** As pmproxy prints values: integers whole, float to 8 digits, double to 16, text quoted. */
  private static void writeValue(JsonGenerator out, String type, LatestValues.Value value)
      throws IOException {
    Double number = value.number();
    if (number == null || number.isNaN() || number.isInfinite()) {
      if (value.text() != null) {
        out.writeString(value.text());
      } else {
        out.writeNull();
      }
      return;
    }
    switch (type) {
      case "32", "u32", "64", "u64" -> out.writeNumber(
          new BigDecimal(number).setScale(0, java.math.RoundingMode.HALF_EVEN).toBigInteger());
      case "float" -> out.writeNumber(new BigDecimal(number).round(FLOAT).stripTrailingZeros());
      default -> out.writeNumber(new BigDecimal(number).round(DOUBLE).stripTrailingZeros());
    }
  }

  private static void children(HttpServletResponse response, String client,
      PmapiContexts.Context context, HttpServletRequest request, Connection connection)
      throws SQLException, IOException, QueryException {
    String prefix = request.getParameter("prefix");
    if (prefix == null) {
      prefix = request.getParameter("name");
    }
    String root = prefix == null ? "" : prefix.strip();
    Set<String> leaf = new TreeSet<>();
    Set<String> nonleaf = new TreeSet<>();
    boolean known = root.isEmpty();
    for (String metric : descs(connection, context.host).keySet()) {
      if (metric.equals(root)) {
        known = true;
      } else if (root.isEmpty() || under(metric, root)) {
        known = true;
        String rest = root.isEmpty() ? metric : metric.substring(root.length() + 1);
        int dot = rest.indexOf('.');
        (dot < 0 ? leaf : nonleaf).add(dot < 0 ? rest : rest.substring(0, dot));
      }
    }
    if (!known) {
      throw new QueryException("child traversal failed - Unknown metric name");
    }
    respond(response, client, context, out -> {
      out.writeStringField("name", root);
      out.writeArrayFieldStart("leaf");
      for (String name : leaf) {
        out.writeString(name);
      }
      out.writeEndArray();
      out.writeArrayFieldStart("nonleaf");
      for (String name : nonleaf) {
        out.writeString(name);
      }
      out.writeEndArray();
    });
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator out) throws IOException, SQLException, QueryException;
  }

  /** A 200 answer: {"context":N[,"client":...], fields...}. */
  private static void respond(HttpServletResponse response, String client,
      PmapiContexts.Context context, Fields fields)
      throws IOException, SQLException, QueryException {
    PmproxyApi.respond(response, null, out -> {
      out.writeStartObject();
      out.writeNumberField("context", context.id);
      if (client != null) {
        out.writeStringField("client", client);
      }
      fields.write(out);
      out.writeEndObject();
    });
  }
}
