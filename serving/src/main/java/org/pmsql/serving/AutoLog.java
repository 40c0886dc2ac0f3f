package org.pmsql.serving;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.pmsql.sql.SqlRules;

/**
 * The connection property {@code log_missing_ms}: a SELECT STREAM on a host's
 * {@code "live:<metric>"} table for a metric the host's archives do not hold asks the server
 * to log it at that interval for an hour, and fails saying so, with the request's id; the
 * query works once the metric's first values are logged. (A stream that started could not
 * follow the new archive, so the client is told to run it again rather than left waiting.)
 */
public final class AutoLog {
  static final String PROPERTY = "log_missing_ms";
  static final int DURATION_SECONDS = 3600;

  private AutoLog() {}

  /** The interval a client asked for, or null; a bad value fails the connection. */
  public static Integer interval(Map<String, String> clientProperties) {
    String value = clientProperties == null ? null : clientProperties.get(PROPERTY);
    if (value == null) {
      return null;
    }
    try {
      int millis = Integer.parseInt(value.trim());
      if (millis > 0) {
        return millis;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("connection property " + PROPERTY
        + " must be a number of milliseconds above 0, not '" + value + "'");
  }

  /**
   * If the statement streams a live table of a metric the host does not log, requests it and
   * returns the error to give; otherwise null.
   */
  public static SQLException request(String sql, CalciteConnection connection, Caller caller,
      LogRequests requests, int intervalMillis) {
    for (List<String> name : liveTables(sql)) {
      // a host is named as its schema, whatever case the query wrote it in
      CalciteSchema named = CalciteSchema.from(connection.getRootSchema())
          .getSubSchema(name.get(0), false);
      String host = named == null ? name.get(0) : named.getName();
      String metric = name.get(1).substring("live:".length());
      SchemaPlus schema = named == null ? null : named.plus();
      if (schema != null && schema.getTable(name.get(1)) != null) {
        continue;
      }
      try {
        long id = requests.add(caller, host, metric, intervalMillis, DURATION_SECONDS);
        return new SQLException(metric + " is not logged on " + host + "; asked by "
            + PROPERTY + ", this server now logs it every " + intervalMillis + " ms for an hour"
            + " (pcp.log_requests id " + id + "): run the query again once it has been logged",
            "55000");
      } catch (RuntimeException e) {
        return new SQLException(metric + " is not logged on " + host + ", and " + PROPERTY
            + " could not have it logged: " + e.getMessage(), "55000", e);
      }
    }
    return null;
  }

  /** The [host, "live:metric"] names a statement reads from. */
  private static List<List<String>> liveTables(String sql) {
    List<List<String>> names = new ArrayList<>();
    try {
      SqlNode node = SqlParser.create(sql, SqlRules.parser()).parseStmt();
      collect(node instanceof SqlOrderBy o ? o.query : node, names);
    } catch (SqlParseException e) {
      // the statement's own execution reports it
    }
    return names;
  }

  private static void collect(SqlNode node, List<List<String>> names) {
    if (node instanceof SqlSelect select) {
      collect(select.getFrom(), names);
    } else if (node instanceof SqlJoin join) {
      collect(join.getLeft(), names);
      collect(join.getRight(), names);
    } else if (node instanceof SqlBasicCall call) {
      collect(call.operand(0), names); // AS alias
    } else if (node instanceof SqlIdentifier id && id.names.size() == 2
        && id.names.get(1).startsWith("live:")) {
      names.add(id.names);
    }
  }
}
