package org.pmsql.pgwire;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.pmsql.pgsql.PgDialect;
import org.pmsql.pgsql.PgLexer;
import org.pmsql.pgsql.PgLexer.Token;
import org.pmsql.pgsql.PgSettings;
import org.pmsql.pgsql.PgType;
import org.pmsql.serving.Caller;
import org.pmsql.serving.RunningSlots;
import org.pmsql.serving.Sessions;
import org.pmsql.serving.SqlLimits;
import org.pmsql.serving.StreamPump;
import org.pmsql.sql.QueryErrors;

/**
 * One client connection: start-up (TLS, authentication, the settings clients check), then
 * the simple and extended query protocols, cursors, and cancellation, over the serving core's
 * sessions. A statement's rows are written as they are read, in the reply buffer that is sent
 * whenever it fills; a {@code SELECT STREAM}'s rows are sent as they are logged.
 */
final class PgSession implements PgDialect.Session {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PgServer server;
  private Socket socket;
  private final int processId;
  private final int key = RANDOM.nextInt();
  private Frontend in;
  private Backend out;
  private Caller caller;
  private String user;
  private volatile String serverId;
  private PgSettings settings;
  private Connection connection;
  private final Map<String, Prepared> prepared = new HashMap<>();
  private final Map<String, Portal> portals = new LinkedHashMap<>();
  private char transaction = 'I';
  private volatile boolean cancelRequested;
  private volatile Portal running;

  PgSession(PgServer server, Socket socket, int processId) {
    this.server = server;
    this.socket = socket;
    this.processId = processId;
  }

  int key() {
    return key;
  }

  /** The serving core's id of this connection, once a user is known. */
  String serverId() {
    return serverId;
  }

  void run() {
    try {
      socket.setTcpNoDelay(true);
      in = new Frontend(socket, socket.getInputStream());
      out = new Backend(new BufferedOutputStream(socket.getOutputStream(), 8192));
      Startup.Client client = new Startup(server, socket, in, out).run();
      if (client == null || !begin(client)) {
        return;
      }
      serve();
    } catch (Frontend.ProtocolViolation e) {
      out.fatal("08P01", "protocol violation: " + e.getMessage());
    } catch (Frontend.IdleTimeout e) {
      out.fatal("57P05", "terminating connection: no message from the client for "
          + server.settings().limits().idleTimeoutSeconds() + " s (idle timeout)");
    } catch (IOException | RuntimeException e) {
      // the client went away, or the connection broke: nothing to tell anyone
    } finally {
      disconnect();
    }
  }

  // ---- start-up ----

  /**
   * After authentication: the session's settings from the start-up parameters, its
   * connection to the archives, and the parameters and key the client keeps; false to hang up.
   */
  private boolean begin(Startup.Client client) throws IOException {
    socket = client.socket();
    in = client.in();
    out = client.out();
    user = client.user();
    caller = client.caller();
    settings = new PgSettings(user);
    try {
      applyStartupSettings(client.parameters());
      serverId = Sessions.serverId(caller, "pg-" + processId);
      server.sessions().opened(caller, "pg-" + processId, null);
      connection = server.connect(caller, settings.zone(), settings);
      applySearchPath();
    } catch (SQLException | RuntimeException e) {
      out.fatal(sqlState(e), message(e));
      return false;
    }
    for (String name : PgSettings.REPORTED) {
      out.begin('S').cstring(name).cstring(settings.get(name)).end();
    }
    out.begin('K').int32(processId).int32(key).end();
    readyForQuery();
    return true;
  }

  private void applyStartupSettings(Map<String, String> startup) {
    startup.forEach((name, value) -> {
      switch (name) {
        case "user", "database", "replication" -> { }
        case "options" -> {
          // -c name=value or --name=value, as PGOPTIONS passes them
          for (String option : value.trim().split("\\s+")) {
            String o = option.startsWith("--") ? option.substring(2)
                : option.startsWith("-c") ? option.substring(2) : option;
            int eq = o.indexOf('=');
            if (eq > 0) {
              settings.set(o.substring(0, eq), o.substring(eq + 1));
            }
          }
        }
        default -> settings.set(name, value);
      }
    });
  }

  // ---- the message loop ----

  private void serve() throws IOException {
    boolean skipToSync = false;
    long idleMillis = TimeUnit.SECONDS.toMillis(
        Math.max(server.settings().limits().idleTimeoutSeconds(), 1));
    while (true) {
      out.flush();
      // an idle session holds nothing but its socket; one with open portals or in a
      // transaction block holds statements, and is let go after the idle timeout
      Frontend.Message m = in.next(transaction == 'I' && portals.isEmpty() ? Long.MAX_VALUE
          : idleMillis);
      if (m == null || m.type() == 'X') {
        return;
      }
      Frontend.Body body = new Frontend.Body(m.type(), m.body());
      if (skipToSync && m.type() != 'S') {
        continue;
      }
      try {
        switch (m.type()) {
          case 'Q' -> simpleQuery(body.cstring());
          case 'P' -> parse(body);
          case 'B' -> bind(body);
          case 'D' -> describe(body);
          case 'E' -> execute(body);
          case 'C' -> closeMessage(body);
          case 'H' -> out.flush();
          case 'S' -> {
            skipToSync = false;
            sync();
          }
          case 'F', 'd', 'c', 'f' -> throw new PgError("0A000", "pmsql takes no function calls"
              + " or COPY: it is read-only SQL");
          default -> throw new Frontend.ProtocolViolation("unknown message type '"
              + Frontend.printable(m.type()) + "'");
        }
      } catch (Frontend.ProtocolViolation e) {
        throw e;
      } catch (SQLException | RuntimeException e) {
        error(e);
        if (m.type() == 'Q') {
          readyForQuery();
        } else {
          skipToSync = true;
        }
      }
    }
  }

  private void sync() throws IOException {
    if (transaction == 'I') {
      closePortals(false);
    }
    readyForQuery();
  }

  private void readyForQuery() throws IOException {
    out.begin('Z').int8(transaction).end();
    out.flush();
  }

  // ---- simple query ----

  private void simpleQuery(String text) throws IOException, SQLException {
    SqlLimits.check(text);
    List<List<Token>> statements = PgLexer.statements(text);
    if (statements.stream().allMatch(PgLexer::blank)) {
      out.begin('I').end();
      readyForQuery();
      return;
    }
    for (List<Token> statement : statements) {
      if (PgLexer.blank(statement)) {
        continue;
      }
      Prepared p = prepare("", statement, new int[0]);
      Portal portal = new Portal("", p, new Object[0], new int[0]);
      try {
        if (p.rowDescription() != null || p.utility.type() == Utility.Type.SHOW
            || p.utility.type() == Utility.Type.FETCH) {
          portal.describeOnStart = true;
        }
        execute(portal, 0);
      } finally {
        portal.close();
      }
    }
    if (transaction == 'I') {
      closePortals(false);
    }
    readyForQuery();
  }

  // ---- extended query ----

  private void parse(Frontend.Body body) throws SQLException, IOException {
    String name = body.cstring();
    String text = body.cstring();
    int count = body.count(4);
    int[] types = new int[count];
    for (int i = 0; i < count; i++) {
      types[i] = body.int32();
    }
    SqlLimits.check(text);
    List<List<Token>> statements = PgLexer.statements(text);
    List<List<Token>> nonBlank = statements.stream().filter(s -> !PgLexer.blank(s)).toList();
    if (nonBlank.size() > 1) {
      throw new PgError("42601", "cannot insert multiple commands into a prepared statement");
    }
    if (!name.isEmpty() && prepared.containsKey(name)) {
      throw new PgError("42P05", "prepared statement \"" + name + "\" already exists");
    }
    Prepared p = prepare(name, nonBlank.isEmpty() ? List.of() : nonBlank.get(0), types);
    Prepared old = prepared.put(name, p);
    if (old != null) {
      old.close();
    }
    out.begin('1').end();
  }

  /** A statement made ready to run: utility, always empty, or planned by pmsql. */
  private Prepared prepare(String name, List<Token> statement, int[] types) throws SQLException {
    Utility utility = Utility.of(statement);
    Prepared p = new Prepared(name, utility, types);
    if (utility.type() == Utility.Type.QUERY || utility.type() == Utility.Type.DECLARE) {
      List<Token> query = utility.query();
      p.emptyColumns = PgDialect.columnsIfAlwaysEmpty(query);
      p.parameters = PgDialect.parameterCount(query);
      if (p.parameters > 65535) {
        throw new PgError("54000", "more than 65535 parameters");
      }
      if (p.emptyColumns == null) {
        p.translation = PgDialect.translate(query, this);
        if (utility.type() == Utility.Type.QUERY) {
          plan(p);
        }
      }
    }
    return p;
  }

  /** A query's plan, made in a turn of the caller's; a stream is planned when it runs. */
  private void plan(Prepared p) throws SQLException {
    p.stream = Sessions.isStream(p.translation.sql());
    if (!p.stream) {
      try (RunningSlots.Slot turn = server.sessions().turn(caller)) {
        p.statement = connection.prepareStatement(p.translation.sql());
      }
    }
  }

  private void bind(Frontend.Body body) throws SQLException, IOException {
    String portalName = body.cstring();
    String statementName = body.cstring();
    Prepared p = prepared.get(statementName);
    if (p == null) {
      throw new PgError("26000", "prepared statement \"" + statementName
          + "\" does not exist");
    }
    int formatCount = body.count(2);
    int[] formats = new int[formatCount];
    for (int i = 0; i < formatCount; i++) {
      formats[i] = body.int16();
    }
    int valueCount = body.count(4);
    byte[][] values = new byte[valueCount][];
    for (int i = 0; i < valueCount; i++) {
      values[i] = body.value();
    }
    int resultCount = body.count(2);
    int[] resultFormats = new int[resultCount];
    for (int i = 0; i < resultCount; i++) {
      resultFormats[i] = body.int16();
    }
    int expected = p.parameterCount();
    if (valueCount != expected) {
      throw new PgError("08P01", "bind message supplies " + valueCount + " parameters, but"
          + " prepared statement \"" + statementName + "\" requires " + expected);
    }
    Object[] parameters = new Object[valueCount];
    for (int i = 0; i < valueCount; i++) {
      int format = formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[i];
      parameters[i] = Values.parameter(values[i], format, p.namedType(i), p.expectedType(i),
          settings.zone());
    }
    if (!portalName.isEmpty() && portals.containsKey(portalName)) {
      throw new PgError("42P03", "portal \"" + portalName + "\" already exists");
    }
    Portal old = portals.put(portalName, new Portal(portalName, p, parameters, resultFormats));
    if (old != null) {
      old.close();
    }
    out.begin('2').end();
  }

  private void describe(Frontend.Body body) throws SQLException, IOException {
    byte kind = body.int8();
    String name = body.cstring();
    if (kind == 'S') {
      Prepared p = prepared.get(name);
      if (p == null) {
        throw new PgError("26000", "prepared statement \"" + name + "\" does not exist");
      }
      out.begin('t').int16(p.parameterCount());
      for (int i = 0; i < p.parameterCount(); i++) {
        PgType type = p.namedType(i) != null ? p.namedType(i) : p.expectedType(i);
        out.int32(type == null ? PgType.TEXT.oid : type.oid);
      }
      out.end();
      writeDescription(p, new int[0]);
    } else if (kind == 'P') {
      Portal portal = portals.get(name);
      if (portal == null) {
        throw new PgError("34000", "portal \"" + name + "\" does not exist");
      }
      writeDescription(portal.source, portal.resultFormats);
    } else {
      throw new Frontend.ProtocolViolation("Describe of '" + Frontend.printable(kind) + "'");
    }
  }

  /** The statement's row description, or NoData when it returns no rows. */
  private void writeDescription(Prepared p, int[] formats) throws SQLException, IOException {
    List<Field> fields = p.rowDescription();
    if (fields == null && p.stream) {
      fields = p.streamFields(connection);
    }
    if (fields == null) {
      out.begin('n').end();
    } else {
      rowDescription(fields, formats);
    }
  }

  private void execute(Frontend.Body body) throws SQLException, IOException {
    String name = body.cstring();
    int maxRows = body.int32();
    Portal portal = portals.get(name);
    if (portal == null) {
      throw new PgError("34000", "portal \"" + name + "\" does not exist");
    }
    execute(portal, maxRows <= 0 ? 0 : maxRows);
  }

  private void closeMessage(Frontend.Body body) throws IOException {
    byte kind = body.int8();
    String name = body.cstring();
    if (kind == 'S') {
      Prepared p = prepared.remove(name);
      if (p != null) {
        p.close();
      }
    } else if (kind == 'P') {
      Portal portal = portals.remove(name);
      if (portal != null) {
        portal.close();
      }
    } else {
      throw new Frontend.ProtocolViolation("Close of '" + Frontend.printable(kind) + "'");
    }
    out.begin('3').end();
  }

  // ---- running statements ----

  /** Runs or goes on with a portal, sending at most maxRows rows (0: all). */
  private void execute(Portal portal, int maxRows) throws SQLException, IOException {
    Utility u = portal.source.utility;
    if (transaction == 'E' && u.type() != Utility.Type.ROLLBACK
        && u.type() != Utility.Type.COMMIT) {
      throw new PgError("25P02", "current transaction is aborted, commands ignored until end"
          + " of transaction block");
    }
    switch (u.type()) {
      case EMPTY -> out.begin('I').end();
      case QUERY -> runQuery(portal, maxRows);
      case SET -> {
        set(u.name(), u.value());
        complete(u.tag());
      }
      case RESET -> {
        if (!u.name().equalsIgnoreCase("ALL")) {
          set(u.name(), null);
        }
        complete(u.tag());
      }
      case SHOW -> show(portal, u.name());
      case BEGIN -> {
        transaction = 'T';
        complete(u.tag());
      }
      case COMMIT, ROLLBACK -> {
        boolean failed = transaction == 'E';
        transaction = 'I';
        closePortals(false);
        complete(failed ? "ROLLBACK" : u.tag());
      }
      case DECLARE -> declare(portal);
      case FETCH, MOVE -> fetch(portal, u);
      case CLOSE -> {
        if (u.name() == null || u.name().equalsIgnoreCase("all")) {
          closePortals(true);
        } else {
          Portal cursor = portals.remove(u.name());
          if (cursor == null || !cursor.cursor) {
            throw new PgError("34000", "cursor \"" + u.name() + "\" does not exist");
          }
          cursor.close();
        }
        complete(u.tag());
      }
      case DISCARD -> {
        closePortals(true);
        prepared.values().forEach(Prepared::close);
        prepared.clear();
        complete(u.tag());
      }
      case DEALLOCATE -> {
        if (u.name().equalsIgnoreCase("all")) {
          prepared.values().forEach(Prepared::close);
          prepared.clear();
        } else if (prepared.remove(u.name()) == null) {
          throw new PgError("26000", "prepared statement \"" + u.name() + "\" does not exist");
        }
        complete(u.tag());
      }
      case SAVEPOINT, LISTEN -> complete(u.tag());
    }
  }

  private void runQuery(Portal portal, int maxRows) throws SQLException, IOException {
    Prepared p = portal.source;
    if (p.emptyColumns != null) {
      if (portal.describeOnStart) {
        rowDescription(p.rowDescription(), portal.resultFormats);
      }
      complete("SELECT 0");
      return;
    }
    if (!portal.started) {
      start(portal);
      if (portal.results == null && portal.stream == null) {
        complete(p.commandTag(portal.updateCount));
        portal.done = true;
        return;
      }
      if (portal.describeOnStart) {
        rowDescription(portal.fields, portal.resultFormats);
      }
    }
    if (portal.done) {
      complete(p.commandTag(portal.rowsSent));
      return;
    }
    // a stream's Execute with a row limit answers with the rows that have arrived, so that a
    // client reading with a fetch size sees each as it is logged
    boolean more = sendRows(portal, maxRows == 0 ? Long.MAX_VALUE : maxRows, maxRows > 0);
    if (more) {
      out.begin('s').end();
    } else {
      complete(p.commandTag(portal.rowsSent));
    }
  }

  /** Executes a portal's statement, within the serving core's call on it. */
  private void start(Portal portal) throws SQLException {
    Prepared p = portal.source;
    cancelRequested = false;
    PreparedStatement statement = p.statementFor(portal);
    int[] order = p.translation.parameterOrder();
    for (int k = 0; k < order.length; k++) {
      statement.setObject(k + 1, jdbcValue(portal.parameters[order[k] - 1]));
    }
    portal.statement = statement;
    portal.statementId = server.register(portal);
    server.sessions().created(portal.statementId, caller, "pg-" + processId);
    portal.started = true;
    try (Sessions.Call call = call(portal)) {
      call.admit(p.stream);
      running = portal;
      try {
        // Calcite answers DML with a result set of its count: PostgreSQL's answer is the tag
        if (p.isUpdate()) {
          portal.updateCount = statement.executeLargeUpdate();
          return;
        }
        boolean hasResults = statement.execute();
        if (!hasResults) {
          portal.updateCount = statement.getUpdateCount();
          return;
        }
        ResultSet results = statement.getResultSet();
        portal.fields = fields(results.getMetaData(), p.translation);
        portal.encoders = encoders(portal.fields, portal.resultFormats);
        if (p.stream) {
          portal.stream = StreamPump.start(statement, results, portal::encodeRow,
              server.settings().limits().streamQueueRows(), "pmsql-pg-stream-" + processId);
          call.serve(portal.stream);
        } else {
          portal.results = results;
        }
      } catch (SQLException | RuntimeException e) {
        throw call.explain(e instanceof RuntimeException r ? r : new RuntimeException(e));
      } finally {
        running = null;
      }
    } catch (SQLException | RuntimeException e) {
      throw cancelled(e);
    }
  }

  private Sessions.Call call(Portal portal) throws SQLException {
    Sessions.Call call = server.sessions().call(caller, "pg-" + processId, portal.statementId);
    if (call == null) {
      throw new PgError("34000", "portal \"" + portal.name + "\" was closed by the server (idle"
          + " timeout)");
    }
    return call;
  }

  /**
   * Sends up to {@code limit} rows of a started portal; true when it has more. A stream's rows
   * go out as they arrive, and a client that closes its side ends the stream.
   */
  private boolean sendRows(Portal portal, long limit, boolean arrivedSuffice)
      throws SQLException, IOException {
    long sent = 0;
    if (portal.stream != null) {
      running = portal;
      try {
        while (sent < limit) {
          if (cancelRequested) {
            throw new PgError("57014", "canceling statement due to user request");
          }
          StreamPump.Batch batch = portal.stream.next((int) Math.min(limit - sent,
              server.settings().limits().maxFrameRows()));
          for (Object row : batch.rows()) {
            out.bytes((byte[]) row);
          }
          sent += batch.rows().size();
          portal.rowsSent += batch.rows().size();
          if (batch.done()) {
            portal.done = true;
            return false;
          }
          if (batch.rows().isEmpty()) {
            if (in.closedByClient()) {
              throw new EOFException("the client went away during a stream");
            }
          } else if (arrivedSuffice) {
            return true;
          } else {
            out.flush();
          }
        }
        return true;
      } catch (SQLException | RuntimeException e) {
        throw cancelled(e);
      } finally {
        running = null;
      }
    }
    try (Sessions.Call call = call(portal)) {
      call.continues();
      running = portal;
      ResultSet results = portal.results;
      int columns = portal.encoders.length;
      try {
        while (sent < limit) {
          if (!results.next()) {
            portal.done = true;
            portal.closeResults();
            return false;
          }
          out.begin('D').int16(columns);
          for (int c = 0; c < columns; c++) {
            portal.encoders[c].write(results, c + 1, out);
          }
          out.end();
          sent++;
          portal.rowsSent++;
        }
        return true;
      } catch (SQLException | RuntimeException e) {
        // a query the memory guard cancelled (its rows are computed as they are read) says so
        throw call.explain(e instanceof RuntimeException r ? r : new RuntimeException(e));
      }
    } catch (SQLException | RuntimeException e) {
      throw cancelled(e);
    } finally {
      running = null;
    }
  }

  /** A failure of a query the client cancelled is the cancellation. */
  private RuntimeException cancelled(Exception e) {
    if (cancelRequested) {
      cancelRequested = false;
      return new PgError("57014", "canceling statement due to user request");
    }
    return e instanceof RuntimeException r ? r : new RuntimeException(e);
  }

  private static Object jdbcValue(Object value) {
    if (value instanceof LocalDate d) {
      return java.sql.Date.valueOf(d);
    }
    return value;
  }

  private void declare(Portal declaring) throws SQLException, IOException {
    Utility u = declaring.source.utility;
    if (portals.containsKey(u.name())) {
      throw new PgError("42P03", "cursor \"" + u.name() + "\" already exists");
    }
    Prepared query = declaring.source;
    Prepared cursorQuery = new Prepared(u.name(), new Utility(Utility.Type.QUERY, null, null, 0,
        false, u.query()), query.types);
    cursorQuery.emptyColumns = query.emptyColumns;
    cursorQuery.parameters = query.parameters;
    cursorQuery.translation = query.translation;
    if (query.translation != null) {
      plan(cursorQuery);
    }
    Portal cursor = new Portal(u.name(), cursorQuery, declaring.parameters, new int[0]);
    cursor.cursor = true;
    cursor.hold = u.hold() || transaction == 'I';
    portals.put(u.name(), cursor);
    if (cursorQuery.emptyColumns == null) {
      start(cursor);
    } else {
      cursor.done = true;
      cursor.started = true;
    }
    complete(u.tag());
  }

  private void fetch(Portal fetching, Utility u) throws SQLException, IOException {
    Portal cursor = portals.get(u.name());
    if (cursor == null || !cursor.cursor) {
      throw new PgError("34000", "cursor \"" + u.name() + "\" does not exist");
    }
    boolean move = u.type() == Utility.Type.MOVE;
    List<Field> fields = cursor.source.emptyColumns != null ? cursor.source.rowDescription()
        : cursor.fields;
    if (!move && fetching.describeOnStart && fields != null) {
      rowDescription(fields, fetching.resultFormats);
    }
    long before = cursor.rowsSent;
    if (!cursor.done && (cursor.results != null || cursor.stream != null)) {
      if (move) {
        Backend sink = out;
        out = new Backend(OutputStream.nullOutputStream());
        try {
          sendRows(cursor, u.count(), false);
        } finally {
          out = sink;
        }
      } else {
        sendRows(cursor, u.count(), false);
      }
    }
    complete((move ? "MOVE " : "FETCH ") + (cursor.rowsSent - before));
  }

  private void show(Portal portal, String name) throws IOException {
    if (name.equalsIgnoreCase("all")) {
      if (portal.describeOnStart) {
        rowDescription(List.of(new Field("name", PgType.TEXT, -1),
            new Field("setting", PgType.TEXT, -1), new Field("description", PgType.TEXT, -1)),
            portal.resultFormats);
      }
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(settings.all()).entrySet()) {
        out.begin('D').int16(3).value(Values.text(e.getKey())).value(Values.text(e.getValue()))
            .value(Values.text("")).end();
      }
      complete("SHOW");
      return;
    }
    String value = settings.get(name);
    if (value == null) {
      throw new PgError("42704", "unrecognized configuration parameter \"" + name + "\"");
    }
    if (portal.describeOnStart) {
      rowDescription(List.of(new Field(name.toLowerCase(Locale.ROOT), PgType.TEXT, -1)),
          portal.resultFormats);
    }
    out.begin('D').int16(1).value(Values.text(value)).end();
    complete("SHOW");
  }

  private void set(String name, String value) throws SQLException {
    if (name == null) {
      return; // SET TRANSACTION ...: every transaction here is read-only already
    }
    String v = value != null ? value : new PgSettings(user).get(name);
    if (v == null) {
      v = "";
    }
    settings.set(name, v);
    if (name.equalsIgnoreCase("search_path")) {
      applySearchPath();
    } else if (name.equalsIgnoreCase("TimeZone") && portals.isEmpty()) {
      // zone-less date-times in queries are read on the session's zone from now on
      prepared.values().forEach(Prepared::close);
      prepared.clear();
      connection.close();
      connection = server.connect(caller, settings.zone(), settings);
      applySearchPath();
    }
  }

  /** The first schema of search_path that exists becomes the default schema. */
  private void applySearchPath() throws SQLException {
    for (String entry : settings.get("search_path").split(",")) {
      String schema = entry.strip();
      if (schema.startsWith("\"") && schema.endsWith("\"") && schema.length() > 1) {
        schema = schema.substring(1, schema.length() - 1);
      }
      if (schema.equals("$user") || schema.isEmpty()) {
        continue;
      }
      try (ResultSet r = connection.getMetaData().getSchemas(null, schema)) {
        if (r.next()) {
          connection.setSchema(r.getString(1));
          return;
        }
      }
    }
  }

  // ---- replies ----

  private void complete(String tag) throws IOException {
    out.begin('C').cstring(tag).end();
  }

  private void rowDescription(List<Field> fields, int[] formats) throws IOException {
    out.begin('T').int16(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      Field f = fields.get(i);
      out.cstring(f.name()).int32(0).int16(0).int32(f.type().oid).int16(f.type().length)
          .int32(f.typmod()).int16(format(formats, i));
    }
    out.end();
  }

  private static int format(int[] formats, int column) {
    return formats.length == 0 ? 0 : formats.length == 1 ? formats[0] : formats[column];
  }

  private void error(Throwable e) throws IOException {
    if (transaction == 'T') {
      transaction = 'E';
    }
    out.begin('E').int8('S').cstring("ERROR").int8('V').cstring("ERROR").int8('C')
        .cstring(sqlState(e)).int8('M').cstring(message(e)).int8(0).end();
  }

  private static String sqlState(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PgError p) {
        return p.code;
      }
      if (t instanceof SQLException s && s.getSQLState() != null
          && s.getSQLState().length() == 5 && !s.getSQLState().equals("00000")
          && !s.getSQLState().equals("HY000")) {
        return s.getSQLState();
      }
    }
    if (e instanceof IllegalArgumentException) {
      return "22023";
    }
    if (e instanceof UnsupportedOperationException) {
      return "0A000";
    }
    // Calcite's validation errors carry no state: PostgreSQL's for the same errors
    String message = String.valueOf(QueryErrors.oneLine(e));
    if (message.contains("Encountered") || message.contains("syntax")) {
      return "42601";
    }
    if (message.matches(".*(Object|Table) '[^']*' not found.*")) {
      return "42P01";
    }
    if (message.matches(".*Column '[^']*' not found.*")) {
      return "42703";
    }
    if (message.contains("No match found for function signature")) {
      return "42883";
    }
    return "XX000";
  }

  private static String message(Throwable e) {
    if (e instanceof PgError p) {
      return p.getMessage();
    }
    return QueryErrors.oneLine(e);
  }

  private static List<Field> fields(ResultSetMetaData md, PgDialect.Translation translation)
      throws SQLException {
    List<Field> fields = new ArrayList<>(md.getColumnCount());
    for (int i = 1; i <= md.getColumnCount(); i++) {
      String name = translation.columnName(md.getColumnLabel(i));
      PgType type = PgType.ofJdbc(md.getColumnType(i), name);
      fields.add(new Field(name, type, PgType.typmod(type, md.getPrecision(i), md.getScale(i))));
    }
    return fields;
  }

  private Values.Column[] encoders(List<Field> fields, int[] formats) {
    Values.Column[] encoders = new Values.Column[fields.size()];
    ZoneId zone = settings.zone();
    for (int i = 0; i < encoders.length; i++) {
      encoders[i] = Values.column(fields.get(i).type(), format(formats, i), zone);
    }
    return encoders;
  }

  // ---- cancel and close ----

  /** A CancelRequest with this session's key: the running query or stream ends. */
  void cancel() {
    Portal portal = running;
    if (portal == null) {
      return;
    }
    cancelRequested = true;
    try {
      if (portal.stream != null) {
        portal.stream.close();
      } else if (portal.statement != null) {
        portal.statement.cancel();
      }
    } catch (SQLException | RuntimeException e) {
      // it ended meanwhile
    }
  }

  private void closePortals(boolean cursorsWithHoldToo) {
    portals.values().removeIf(portal -> {
      if (portal.hold && !cursorsWithHoldToo) {
        return false;
      }
      portal.close();
      return true;
    });
  }

  /** Closes the connection and everything it holds; a second call does nothing. */
  synchronized void disconnect() {
    closePortals(true);
    prepared.values().forEach(Prepared::close);
    prepared.clear();
    if (serverId != null) {
      server.sessions().closed(caller, "pg-" + processId);
    }
    try {
      if (connection != null) {
        connection.close();
        connection = null;
      }
    } catch (SQLException e) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException e) {
      // closed already
    }
  }

  private String address() {
    return socket.getInetAddress().getHostAddress();
  }

  // ---- PgDialect.Session ----

  @Override
  public String setting(String name) {
    return settings.get(name);
  }

  @Override
  public String schema() {
    try {
      String schema = connection.getSchema();
      return schema == null ? "public" : schema;
    } catch (SQLException e) {
      return "public";
    }
  }

  @Override
  public String user() {
    return user;
  }

  @Override
  public int processId() {
    return processId;
  }

  // ---- statements and portals ----

  /** A column as described to the client. */
  record Field(String name, PgType type, int typmod) {}

  /** A parsed statement: what it is, its parameters' types, its planned JDBC statement. */
  private final class Prepared {
    final String name;
    final Utility utility;
    final int[] types;
    PgDialect.Translation translation;
    List<String> emptyColumns;
    int parameters;
    PreparedStatement statement;
    boolean stream;
    private boolean statementInUse;
    private List<Field> streamFields;
    private String verb;

    Prepared(String name, Utility utility, int[] types) {
      this.name = name;
      this.utility = utility;
      this.types = types;
    }

    int parameterCount() {
      return parameters;
    }

    /** The type the client named for parameter i (0-based), or null. */
    PgType namedType(int i) {
      return i < types.length && types[i] != 0 ? PgType.ofOid(types[i]) : null;
    }

    /** The type pmsql's statement expects for the client's parameter i, or null. */
    PgType expectedType(int i) {
      if (statement == null) {
        return null;
      }
      try {
        ParameterMetaData md = statement.getParameterMetaData();
        int[] order = translation.parameterOrder();
        for (int k = 0; k < order.length; k++) {
          if (order[k] == i + 1) {
            return PgType.ofJdbc(md.getParameterType(k + 1), null);
          }
        }
      } catch (SQLException e) {
        // described as text, and parsed as what the query makes of it
      }
      return null;
    }

    /** The columns of its rows, or null when it returns none (or is a stream). */
    List<Field> rowDescription() throws SQLException {
      if (emptyColumns != null) {
        return emptyColumns.stream().map(n -> new Field(n, PgType.TEXT, -1)).toList();
      }
      if (utility.type() == Utility.Type.SHOW) {
        return List.of(new Field(utility.name().toLowerCase(Locale.ROOT), PgType.TEXT, -1));
      }
      if (statement == null || isUpdate()) {
        return null;
      }
      ResultSetMetaData md = statement.getMetaData();
      return md == null || md.getColumnCount() == 0 ? null : fields(md, translation);
    }

    /** A stream's columns, from a plan that is not run. */
    List<Field> streamFields(Connection connection) throws SQLException {
      if (streamFields == null) {
        try (PreparedStatement plan = connection.prepareStatement(translation.sql())) {
          streamFields = fields(plan.getMetaData(), translation);
        }
      }
      return streamFields;
    }

    /** The planned statement if no other portal reads it, else a new plan of the same text. */
    PreparedStatement statementFor(Portal portal) throws SQLException {
      if (statement != null && !statementInUse) {
        statementInUse = true;
        portal.ownsStatement = false;
        return statement;
      }
      portal.ownsStatement = true;
      try (RunningSlots.Slot turn = server.sessions().turn(caller)) {
        return connection.prepareStatement(translation.sql());
      }
    }

    void released(PreparedStatement s) {
      if (s == statement) {
        statementInUse = false;
      }
    }

    /** The statement's first word, upper case (SELECT, INSERT, ...), read once. */
    private String verb() {
      if (verb == null) {
        verb = translation == null ? "SELECT"
            : PgLexer.tokens(translation.sql()).stream()
                .filter(t -> t.kind() == PgLexer.Kind.WORD).map(t -> t.text()
                    .toUpperCase(Locale.ROOT)).findFirst().orElse("SELECT");
      }
      return verb;
    }

    boolean isUpdate() {
      return switch (verb()) {
        case "INSERT", "DELETE", "UPDATE", "MERGE" -> true;
        default -> false;
      };
    }

    String commandTag(long rows) {
      String first = verb();
      return switch (first) {
        case "INSERT" -> "INSERT 0 " + rows;
        case "DELETE", "UPDATE", "MERGE" -> first + " " + rows;
        case "EXPLAIN" -> "EXPLAIN";
        default -> "SELECT " + rows;
      };
    }

    void close() {
      try {
        if (statement != null) {
          statement.close();
        }
      } catch (SQLException e) {
        // closing anyway
      }
    }
  }

  /** A statement bound to parameters, and where reading its rows has got to. */
  final class Portal {
    final String name;
    final Prepared source;
    final Object[] parameters;
    final int[] resultFormats;
    boolean describeOnStart;
    boolean cursor;
    boolean hold;
    boolean started;
    boolean done;
    boolean ownsStatement;
    long rowsSent;
    long updateCount;
    int statementId;
    volatile PreparedStatement statement;
    volatile ResultSet results;
    volatile StreamPump stream;
    List<Field> fields;
    Values.Column[] encoders;

    Portal(String name, Prepared source, Object[] parameters, int[] resultFormats) {
      this.name = name;
      this.source = source;
      this.parameters = parameters;
      this.resultFormats = resultFormats;
    }

    Statement statement() {
      return statement;
    }

    boolean hasOpenResults() {
      try {
        return stream != null || results != null && !results.isClosed();
      } catch (SQLException e) {
        return false;
      }
    }

    /** A stream row as its DataRow message, encoded on the stream's own thread. */
    Object encodeRow(ResultSet rows) throws SQLException {
      if (!rows.next()) {
        return null;
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
      Backend row = new Backend(bytes);
      row.begin('D').int16(encoders.length);
      for (int c = 0; c < encoders.length; c++) {
        encoders[c].write(rows, c + 1, row);
      }
      try {
        row.end();
        row.flush();
      } catch (IOException e) {
        throw new SQLException(e);
      }
      return bytes.toByteArray();
    }

    void closeResults() {
      ResultSet r = results;
      results = null;
      try {
        if (r != null) {
          r.close();
        }
      } catch (SQLException e) {
        // closing anyway
      }
    }

    void close() {
      if (stream != null) {
        stream.close();
        stream = null;
      }
      closeResults();
      if (statementId != 0) {
        server.unregister(statementId);
      }
      PreparedStatement s = statement;
      if (s != null) {
        if (ownsStatement) {
          try {
            s.close();
          } catch (SQLException e) {
            // closing anyway
          }
        } else {
          source.released(s);
        }
      }
    }
  }

  /** An error with PostgreSQL's SQLSTATE. */
  static final class PgError extends RuntimeException {
    final String code;

    PgError(String code, String message) {
      super(message);
      this.code = code;
    }
  }
}
