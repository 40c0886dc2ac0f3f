package org.pmsql.pgsql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pmsql.pgsql.PgLexer.Kind;
import org.pmsql.pgsql.PgLexer.Token;
import org.pmsql.sql.SqlRules;

/**
 * PostgreSQL's spelling of what pmsql's SQL (Calcite's Babel parser with PostgreSQL's function
 * library) spells otherwise, rewritten token by token: {@code $n} parameters, PostgreSQL type
 * names in {@code ::} casts and CAST, {@code interval '5 minutes'}, {@code E''} strings,
 * {@code OPERATOR(pg_catalog.~)}, {@code COLLATE pg_catalog.default}, {@code now()},
 * {@code date_trunc} and {@code to_timestamp(epoch)}. What it does not know it leaves as written,
 * for the parser to accept or name.
 */
public final class PgDialect {
  /** A statement as pmsql runs it: {@code ?} parameters, each the client's {@code $n}. */
  public record Translation(String sql, int[] parameterOrder, int parameterCount,
      List<String> defaultNames) {
    /**
     * A result column's name as PostgreSQL gives it: pmsql calls an unnamed expression
     * EXPR$n, PostgreSQL by its function ({@code count}, {@code avg}), else ?column?.
     */
    public String columnName(String label) {
      if (!label.startsWith("EXPR$")) {
        return label;
      }
      try {
        int n = Integer.parseInt(label.substring(5));
        String name = n < defaultNames.size() ? defaultNames.get(n) : null;
        return name == null ? "?column?" : name;
      } catch (NumberFormatException e) {
        return label;
      }
    }
  }

  /** What a statement may ask of its session: settings, schema, user, process id. */
  public interface Session {
    /** A setting's value, or null when there is none of the name. */
    String setting(String name);

    String schema();

    String user();

    int processId();
  }

  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("text", "VARCHAR"), Map.entry("varchar", "VARCHAR"), Map.entry("name", "VARCHAR"),
      Map.entry("bpchar", "VARCHAR"), Map.entry("char", "VARCHAR"), Map.entry("json", "VARCHAR"),
      Map.entry("jsonb", "VARCHAR"), Map.entry("int", "INTEGER"), Map.entry("int4", "INTEGER"),
      Map.entry("integer", "INTEGER"), Map.entry("oid", "INTEGER"),
      Map.entry("regtype", "INTEGER"), Map.entry("regnamespace", "INTEGER"),
      Map.entry("regproc", "INTEGER"), Map.entry("regclass", "INTEGER"),
      Map.entry("int8", "BIGINT"), Map.entry("bigint", "BIGINT"), Map.entry("int2", "SMALLINT"),
      Map.entry("smallint", "SMALLINT"), Map.entry("float8", "DOUBLE"),
      Map.entry("float4", "REAL"), Map.entry("real", "REAL"), Map.entry("float", "DOUBLE"),
      Map.entry("numeric", "DECIMAL"), Map.entry("decimal", "DECIMAL"),
      Map.entry("bool", "BOOLEAN"), Map.entry("boolean", "BOOLEAN"),
      Map.entry("timestamptz", "TIMESTAMP"), Map.entry("timestamp", "TIMESTAMP"),
      Map.entry("date", "DATE"), Map.entry("time", "TIME"), Map.entry("bytea", "VARBINARY"));

  /** Words a "(" may follow without being a call's. */
  private static final java.util.Set<String> KEYWORDS_BEFORE_PARENS = java.util.Set.of("IN",
      "AND", "OR", "NOT", "WHERE", "ON", "SELECT", "FROM", "JOIN", "AS", "WHEN", "THEN", "ELSE",
      "BY", "HAVING", "EXISTS", "ANY", "ALL", "SOME", "VALUES", "USING", "LIKE", "ILIKE",
      "BETWEEN", "IS", "CASE", "OVER", "FILTER", "WITHIN", "UNION", "RETURNING", "SET");

  private static final Pattern INTERVAL_PART = Pattern.compile(
      "\\s*([-+]?\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)\\s*");

  private PgDialect() {}

  /** One statement's tokens as pmsql's SQL. */
  public static Translation translate(List<Token> statement, Session session) {
    List<Token> in = statement;
    StringBuilder out = new StringBuilder();
    List<Integer> order = new ArrayList<>();
    int maxParameter = 0;
    // the parenthesis depths at which a CAST( was opened, where "AS type" names a type
    List<Integer> castDepths = new ArrayList<>();
    int depth = 0;
    // where the operand written last starts, which a :: cast wraps in CAST( ... AS type)
    int operandStart = 0;
    List<Integer> openedAt = new ArrayList<>();
    for (int i = 0; i < in.size(); i++) {
      Token t = in.get(i);
      int at = out.length();
      if (t.kind() != Kind.SPACE && !t.is("::") && !t.is("(") && !t.is(")")
          && !previousIs(in, i, ".") && !t.is(".")) {
        operandStart = at;
      }
      if (t.kind() == Kind.PARAM) {
        int n = Integer.parseInt(t.value());
        if (n < 1 || n > 65535) {
          throw new IllegalArgumentException("there is no parameter " + t.text());
        }
        order.add(n);
        maxParameter = Math.max(maxParameter, n);
        out.append('?');
      } else if (t.kind() == Kind.STRING) {
        out.append(literal(t.value()));
      } else if (t.is("(") && nextIs(in, i, "SELECT")
          && readsSearchPath(in.subList(i + 1, closingParen(in, i)))) {
        // Grafana's schema constraint: the schemas of search_path, by arrays and
        // generate_series
        out.append("(VALUES ");
        List<String> schemas = searchPath(session);
        for (int k = 0; k < schemas.size(); k++) {
          out.append(k == 0 ? "" : ", ").append('(').append(literal(schemas.get(k))).append(')');
        }
        out.append(')');
        i = closingParen(in, i);
      } else if (t.kind() == Kind.WORD && isCall(in, i, "parse_ident")
          && nextKind(in, nextNonSpace(in, i)) == Kind.STRING) {
        operandStart = dropQualifier(out);
        int open = nextNonSpace(in, i);
        out.append(array(identifierParts(in.get(nextNonSpace(in, open)).value())));
        i = closingParen(in, open);
      } else if (t.kind() == Kind.WORD && (isCall(in, i, "array_length")
          || isCall(in, i, "array_upper")) && arguments(in, nextNonSpace(in, i)) == 2) {
        // one-dimensional arrays only: the length of the first dimension
        operandStart = dropQualifier(out);
        int open = nextNonSpace(in, i);
        int comma = lastTopLevelComma(in, open);
        out.append("CARDINALITY(");
        Translation inner = translate(in.subList(open + 1, comma), session);
        out.append(inner.sql()).append(')');
        for (int n : inner.parameterOrder()) {
          order.add(n);
          maxParameter = Math.max(maxParameter, n);
        }
        i = closingParen(in, open);
      } else if (t.kind() == Kind.WORD && isCall(in, i, "array_lower")
          && arguments(in, nextNonSpace(in, i)) == 2) {
        operandStart = dropQualifier(out);
        out.append('1');
        i = closingParen(in, nextNonSpace(in, i));
      } else if (t.kind() == Kind.WORD && isCall(in, i, "time_bucket")
          && nextKind(in, nextNonSpace(in, i)) == Kind.STRING) {
        // TimescaleDB's spelling, as Grafana writes it: time_bucket('300.000s', ts)
        int open = nextNonSpace(in, i);
        int literal = nextNonSpace(in, open);
        out.append(t.text()).append('(').append(interval(in.get(literal).value()));
        i = literal;
      } else if (t.is("user") && !nextIs(in, i, "(") && !nextIs(in, i, ".")
          && !previousIs(in, i, ".") && !previousIs(in, i, "AS")) {
        out.append(literal(session.user()));
      } else if (t.is("(") && nextIs(in, i, "SELECT")
          && columnsIfAlwaysEmpty(in.subList(i + 1, closingParen(in, i))) != null) {
        // a subquery of relations pmsql has no rows in, in PostgreSQL's own syntax
        out.append(emptyQuery(columnsIfAlwaysEmpty(in.subList(i + 1, closingParen(in, i)))));
        i = closingParen(in, i);
      } else if (t.is("AS") && nextKind(in, i) == Kind.WORD && (castDepths.isEmpty()
          || castDepths.get(castDepths.size() - 1) != depth)) {
        // an alias: PostgreSQL folds it to lower case, and keywords (AS default) are names
        int alias = nextNonSpace(in, i);
        out.append("AS ").append(SqlRules.identifier(in.get(alias).text()
            .toLowerCase(Locale.ROOT)));
        i = alias;
      } else if (t.is("(")) {
        depth++;
        openedAt.add(previousIsName(in, i) ? operandStart : at);
        out.append('(');
      } else if (t.is(")")) {
        castDepths.remove((Integer) depth);
        depth--;
        if (!openedAt.isEmpty()) {
          operandStart = openedAt.remove(openedAt.size() - 1);
        }
        out.append(')');
      } else if (t.is("::")) {
        int next = nextWord(in, i);
        if (next > 0 && in.get(next).is("interval") && previousIsString(in, i)) {
          // '5 minutes'::interval: the literal was written already; make it an interval
          replaceLastLiteralWithInterval(out, in, i);
          i = next;
          continue;
        }
        if (next > 0 && in.get(next).is("regclass") && previousIsString(in, i)) {
          // 'schema.table'::regclass: the relation's oid
          replaceLastLiteral(out, in, i, PgDialect::relationOid);
          i = next;
          continue;
        }
        // Babel's :: binds more loosely than comparisons: ts > '...'::timestamptz would cast
        // the comparison, so the operand is cast explicitly
        out.insert(operandStart, "CAST(");
        out.append(" AS");
        i = typeName(in, i, out);
        out.append(')');
      } else if (t.is("AS") && !castDepths.isEmpty() && castDepths.get(castDepths.size() - 1)
          == depth) {
        out.append("AS");
        i = typeName(in, i, out);
      } else if (t.is("CAST") && nextIs(in, i, "(")) {
        out.append(t.text());
        castDepths.add(depth + 1);
      } else if (t.is("interval") && nextKind(in, i) == Kind.STRING && !unitFollows(in, i)) {
        int literal = nextNonSpace(in, i);
        out.append(interval(in.get(literal).value()));
        i = literal;
      } else if (t.is("OPERATOR") && nextIs(in, i, "(")) {
        i = operator(in, i, out);
      } else if (t.is("COLLATE")) {
        i = skipQualifiedName(in, nextNonSpace(in, i));
      } else if (t.kind() == Kind.WORD && isCall(in, i, "current_setting")
          && arguments(in, nextNonSpace(in, i)) == 1) {
        operandStart = dropQualifier(out);
        int open = nextNonSpace(in, i);
        int name = nextNonSpace(in, open);
        if (in.get(name).kind() != Kind.STRING) {
          out.append(t.text());
          continue;
        }
        String value = session.setting(in.get(name).value());
        if (value == null) {
          throw new IllegalArgumentException("unrecognized configuration parameter \""
              + in.get(name).value() + "\"");
        }
        out.append(literal(value));
        i = closingParen(in, open);
      } else if (t.kind() == Kind.WORD && (isCall(in, i, "current_schema")
          || t.is("current_schema") && !nextIs(in, i, "("))) {
        operandStart = dropQualifier(out);
        out.append(literal(session.schema()));
        i = isCall(in, i, "current_schema") ? closingParen(in, nextNonSpace(in, i)) : i;
      } else if (t.kind() == Kind.WORD && isCall(in, i, "current_schemas")) {
        operandStart = dropQualifier(out);
        int open = nextNonSpace(in, i);
        int flag = nextNonSpace(in, open);
        boolean implicit = flag > 0 && in.get(flag).is("true");
        out.append("ARRAY[").append(implicit ? literal(PgCatalog.SCHEMA) + ", " : "")
            .append(literal(session.schema())).append(']');
        i = closingParen(in, open);
      } else if (t.kind() == Kind.WORD && isCall(in, i, "current_database")) {
        operandStart = dropQualifier(out);
        out.append(literal(PgCatalog.DATABASE));
        i = closingParen(in, nextNonSpace(in, i));
      } else if (t.kind() == Kind.WORD && isCall(in, i, "pg_backend_pid")) {
        operandStart = dropQualifier(out);
        out.append(session.processId());
        i = closingParen(in, nextNonSpace(in, i));
      } else if ((t.is("current_user") || t.is("session_user")) && !nextIs(in, i, "(")
          && !previousIs(in, i, ".")) {
        out.append(literal(session.user()));
      } else if (t.kind() == Kind.WORD && isCall(in, i, "now")) {
        operandStart = dropQualifier(out);
        out.append("CURRENT_TIMESTAMP");
        i = closingParen(in, nextNonSpace(in, i));
      } else if (t.kind() == Kind.WORD && isCall(in, i, "date_trunc")) {
        operandStart = dropQualifier(out);
        out.append("pg_catalog.pg_date_trunc");
      } else if (t.kind() == Kind.WORD && isCall(in, i, "to_timestamp")
          && arguments(in, nextNonSpace(in, i)) == 1) {
        operandStart = dropQualifier(out);
        out.append("pg_catalog.pg_to_timestamp");
      } else if (t.kind() == Kind.SPACE) {
        out.append(t.value());
      } else {
        out.append(t.text());
      }
    }
    int[] parameterOrder = order.stream().mapToInt(Integer::intValue).toArray();
    return new Translation(out.toString(), parameterOrder, maxParameter, defaultNames(in));
  }

  /** The highest {@code $n} a statement names: how many parameters it takes. */
  public static int parameterCount(List<Token> statement) {
    int max = 0;
    for (Token t : statement) {
      if (t.kind() == Kind.PARAM) {
        max = Math.max(max, Integer.parseInt(t.value()));
      }
    }
    return max;
  }

  /** Whether a subquery lists the schemas of search_path (Grafana's schema constraint). */
  private static boolean readsSearchPath(List<Token> query) {
    boolean series = false;
    boolean path = false;
    for (Token t : query) {
      series |= t.is("generate_series");
      path |= t.kind() == Kind.STRING && t.value().equalsIgnoreCase("search_path");
    }
    return series && path;
  }

  /** The schemas search_path names, "$user" as the user, as current_schemas lists them. */
  private static List<String> searchPath(Session session) {
    List<String> schemas = new ArrayList<>();
    String path = session.setting("search_path");
    for (String entry : (path == null ? "" : path).split(",")) {
      String schema = entry.strip();
      if (schema.equals("\"$user\"") || schema.equals("$user")) {
        schema = session.user();
      }
      if (!schema.isEmpty()) {
        schemas.add(schema);
      }
    }
    if (schemas.isEmpty()) {
      schemas.add(session.schema());
    }
    return schemas;
  }

  /** parse_ident: a qualified name's parts, quoted ones as written, others in lower case. */
  static List<String> identifierParts(String name) {
    List<String> parts = new ArrayList<>();
    for (Token t : PgLexer.tokens(name)) {
      if (t.kind() == Kind.QUOTED) {
        parts.add(t.value());
      } else if (t.kind() == Kind.WORD) {
        parts.add(t.text().toLowerCase(Locale.ROOT));
      } else if (!t.is(".") && t.kind() != Kind.SPACE) {
        throw new IllegalArgumentException("string is not a valid identifier: \"" + name
            + "\"");
      }
    }
    return parts;
  }

  private static String array(List<String> items) {
    StringBuilder a = new StringBuilder("ARRAY[");
    for (int k = 0; k < items.size(); k++) {
      a.append(k == 0 ? "" : ", ").append(literal(items.get(k)));
    }
    return a.append(']').toString();
  }

  private static int lastTopLevelComma(List<Token> in, int open) {
    int depth = 0;
    int comma = -1;
    for (int k = open; k < in.size(); k++) {
      if (in.get(k).is("(")) {
        depth++;
      } else if (in.get(k).is(")") && --depth == 0) {
        return comma;
      } else if (depth == 1 && in.get(k).is(",")) {
        comma = k;
      }
    }
    return comma;
  }

  /** Per item of the first select list: the name PostgreSQL gives an unnamed call, or null. */
  private static List<String> defaultNames(List<Token> statement) {
    List<Token> in = statement.stream().filter(t -> t.kind() != Kind.SPACE).toList();
    int depth = 0;
    int select = -1;
    for (int k = 0; k < in.size() && select < 0; k++) {
      if (in.get(k).is("(")) {
        depth++;
      } else if (in.get(k).is(")")) {
        depth--;
      } else if (depth == 0 && in.get(k).is("SELECT")) {
        select = k;
      }
    }
    List<String> names = new ArrayList<>();
    if (select < 0) {
      return names;
    }
    int start = select + 1;
    if (start < in.size() && (in.get(start).is("STREAM") || in.get(start).is("DISTINCT")
        || in.get(start).is("ALL"))) {
      start++;
    }
    depth = 0;
    for (int k = start; k <= in.size(); k++) {
      Token t = k < in.size() ? in.get(k) : null;
      boolean end = t == null || depth == 0 && (t.is(",") || t.is("FROM"));
      if (end) {
        names.add(defaultName(in.subList(start, k)));
        start = k + 1;
        if (t == null || t.is("FROM")) {
          break;
        }
        continue;
      }
      if (t.is("(")) {
        depth++;
      } else if (t.is(")")) {
        depth--;
      }
    }
    return names;
  }

  private static String defaultName(List<Token> item) {
    if (item.isEmpty()) {
      return null;
    }
    int at = 0;
    if (item.size() > 2 && item.get(0).is(PgCatalog.SCHEMA) && item.get(1).is(".")) {
      at = 2;
    }
    Token first = item.get(at);
    if (first.is("CASE")) {
      return "case";
    }
    if (first.kind() == Kind.WORD && at + 1 < item.size() && item.get(at + 1).is("(")) {
      return first.text().toLowerCase(Locale.ROOT);
    }
    return null;
  }

  /** A query of these columns that has no rows. */
  private static String emptyQuery(List<String> columns) {
    StringBuilder q = new StringBuilder("(SELECT ");
    for (int k = 0; k < columns.size(); k++) {
      q.append(k == 0 ? "" : ", ").append("CAST(NULL AS VARCHAR) AS ")
          .append(SqlRules.identifier(columns.get(k)));
    }
    return q.append(" FROM (VALUES (1)) AS pmsql_none(x) WHERE 1 = 0)").toString();
  }

  /** A character literal as pmsql's SQL writes it (no backslash escapes). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * PostgreSQL's interval text ({@code 5 minutes}, {@code 1 day 2 hours}, {@code 90 s}) as
   * SQL interval literals; text in another form is left for the parser to name.
   */
  static String interval(String text) {
    List<String> parts = new ArrayList<>();
    Matcher m = INTERVAL_PART.matcher(text);
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      String unit = unit(m.group(2));
      String amount = m.group(1);
      if (unit == null) {
        return "INTERVAL " + literal(text);
      }
      if (unit.equals("WEEK")) {
        amount = new java.math.BigDecimal(amount).multiply(java.math.BigDecimal.valueOf(7))
            .toPlainString();
        unit = "DAY";
      }
      if (unit.equals("MILLISECOND")) {
        amount = new java.math.BigDecimal(amount).movePointLeft(3).toPlainString();
        unit = "SECOND";
      }
      if (amount.contains(".") && !unit.equals("SECOND")) {
        return "INTERVAL " + literal(text);
      }
      parts.add("INTERVAL '" + amount + "' " + unit);
      at = m.end();
    }
    if (parts.isEmpty() || at < text.length()) {
      return "INTERVAL " + literal(text);
    }
    return parts.size() == 1 ? parts.get(0) : "(" + String.join(" + ", parts) + ")";
  }

  private static String unit(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "ms", "msec", "msecs", "millisecond", "milliseconds" -> "MILLISECOND";
      case "s", "sec", "secs", "second", "seconds" -> "SECOND";
      case "m", "min", "mins", "minute", "minutes" -> "MINUTE";
      case "h", "hr", "hrs", "hour", "hours" -> "HOUR";
      case "d", "day", "days" -> "DAY";
      case "w", "week", "weeks" -> "WEEK";
      case "mon", "mons", "month", "months" -> "MONTH";
      case "y", "yr", "yrs", "year", "years" -> "YEAR";
      default -> null;
    };
  }

  /** Writes the type after {@code ::} or CAST's AS, mapped; returns the last token used. */
  private static int typeName(List<Token> in, int at, StringBuilder out) {
    int i = nextNonSpace(in, at);
    if (i < 0) {
      return at;
    }
    // pg_catalog.int8 and "char"
    int nameAt = i;
    if (in.get(i).is("pg_catalog") && i + 2 < in.size() && in.get(i + 1).is(".")) {
      nameAt = i + 2;
    }
    Token name = in.get(nameAt);
    String key = name.kind() == Kind.QUOTED ? name.value() : name.text();
    key = key.toLowerCase(Locale.ROOT);
    int last = nameAt;
    if (key.equals("double") && nextIsWord(in, nameAt, "precision")) {
      key = "float8";
      last = nextNonSpace(in, nameAt);
    } else if ((key.equals("timestamp") || key.equals("time"))
        && (nextIsWord(in, nameAt, "with") || nextIsWord(in, nameAt, "without"))) {
      int w = nextNonSpace(in, nameAt);
      int z = nextNonSpace(in, nextNonSpace(in, w));
      if (z > 0 && in.get(z).is("zone")) {
        last = z;
      }
    } else if (key.equals("character") && nextIsWord(in, nameAt, "varying")) {
      key = "varchar";
      last = nextNonSpace(in, nameAt);
    }
    String mapped = TYPES.get(key);
    out.append(' ');
    if (mapped == null) {
      for (int k = i; k <= last; k++) {
        out.append(in.get(k).text());
      }
      return last;
    }
    out.append(mapped);
    // varchar(10), numeric(20,0): keep the modifiers of types that take them
    int open = nextNonSpace(in, last);
    if (open > 0 && in.get(open).is("(")) {
      int close = closingParen(in, open);
      if (mapped.equals("DECIMAL") || mapped.equals("VARCHAR") && !key.equals("text")) {
        for (int k = open; k <= close; k++) {
          out.append(in.get(k).text());
        }
      }
      return close;
    }
    return last;
  }

  /** {@code OPERATOR(pg_catalog.~)}: the operator alone. */
  private static int operator(List<Token> in, int at, StringBuilder out) {
    int open = nextNonSpace(in, at);
    int close = closingParen(in, open);
    for (int k = open + 1; k < close; k++) {
      if (in.get(k).kind() == Kind.OPERATOR) {
        out.append(' ').append(in.get(k).text()).append(' ');
      }
    }
    return close;
  }

  private static int skipQualifiedName(List<Token> in, int i) {
    if (i < 0) {
      return in.size() - 1;
    }
    while (i + 2 < in.size() && in.get(i + 1).is(".")) {
      i += 2;
    }
    return i;
  }

  private static boolean isCall(List<Token> in, int i, String name) {
    int nameAt = i;
    if (!in.get(i).is(name)) {
      return false;
    }
    if (nameAt >= 2 && in.get(nameAt - 1).is(".") && !in.get(nameAt - 2).is("pg_catalog")) {
      return false;
    }
    return nextIs(in, i, "(");
  }

  /** How many arguments the call whose "(" is at {@code open} has. */
  private static int arguments(List<Token> in, int open) {
    int depth = 0;
    int commas = 0;
    boolean any = false;
    for (int k = open; k < in.size(); k++) {
      Token t = in.get(k);
      if (t.is("(")) {
        depth++;
      } else if (t.is(")")) {
        depth--;
        if (depth == 0) {
          return any ? commas + 1 : 0;
        }
      } else if (depth == 1 && t.is(",")) {
        commas++;
      } else if (t.kind() != Kind.SPACE) {
        any = true;
      }
    }
    return -1;
  }

  private static int closingParen(List<Token> in, int open) {
    int depth = 0;
    for (int k = open; k < in.size(); k++) {
      if (in.get(k).is("(")) {
        depth++;
      } else if (in.get(k).is(")") && --depth == 0) {
        return k;
      }
    }
    return in.size() - 1;
  }

  private static int nextNonSpace(List<Token> in, int i) {
    for (int k = i + 1; k < in.size(); k++) {
      if (in.get(k).kind() != Kind.SPACE) {
        return k;
      }
    }
    return -1;
  }

  private static int nextWord(List<Token> in, int i) {
    int k = nextNonSpace(in, i);
    if (k > 0 && in.get(k).is("pg_catalog") && k + 2 < in.size() && in.get(k + 1).is(".")) {
      return k + 2;
    }
    return k;
  }

  private static boolean nextIs(List<Token> in, int i, String text) {
    int k = nextNonSpace(in, i);
    return k > 0 && in.get(k).is(text);
  }

  private static boolean nextIsWord(List<Token> in, int i, String word) {
    return nextIs(in, i, word);
  }

  private static Kind nextKind(List<Token> in, int i) {
    int k = nextNonSpace(in, i);
    return k < 0 ? null : in.get(k).kind();
  }

  /** {@code INTERVAL '5' MINUTE}: already SQL's form. */
  private static boolean unitFollows(List<Token> in, int i) {
    int literal = nextNonSpace(in, i);
    int unit = nextNonSpace(in, literal);
    return unit > 0 && in.get(unit).kind() == Kind.WORD
        && unit(in.get(unit).text()) != null && !in.get(unit).is("m")
        && !in.get(unit).is("s") && !in.get(unit).is("d");
  }

  private static boolean previousIsString(List<Token> in, int i) {
    for (int k = i - 1; k >= 0; k--) {
      if (in.get(k).kind() != Kind.SPACE) {
        return in.get(k).kind() == Kind.STRING;
      }
    }
    return false;
  }

  private static void replaceLastLiteralWithInterval(StringBuilder out, List<Token> in, int i) {
    replaceLastLiteral(out, in, i, PgDialect::interval);
  }

  /** The string literal just written, replaced by what {@code rewrite} makes of its value. */
  private static void replaceLastLiteral(StringBuilder out, List<Token> in, int i,
      java.util.function.UnaryOperator<String> rewrite) {
    for (int k = i - 1; k >= 0; k--) {
      Token t = in.get(k);
      if (t.kind() == Kind.STRING) {
        String written = literal(t.value());
        int at = out.lastIndexOf(written);
        out.replace(at, out.length(), rewrite.apply(t.value()));
        return;
      }
    }
  }

  /** {@code 'schema.table'::regclass} as a scalar subquery of pg_class. */
  private static String relationOid(String name) {
    int dot = name.lastIndexOf('.');
    String relation = unquote(dot < 0 ? name : name.substring(dot + 1));
    String query = "(SELECT c.oid FROM pg_catalog.pg_class c WHERE c.relname = "
        + literal(relation);
    if (dot > 0) {
      query += " AND c.relnamespace = (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE"
          + " n.nspname = " + literal(unquote(name.substring(0, dot))) + ")";
    }
    return query + " FETCH NEXT 1 ROWS ONLY)";
  }

  private static String unquote(String name) {
    String n = name.strip();
    return n.length() >= 2 && n.startsWith("\"") && n.endsWith("\"")
        ? n.substring(1, n.length() - 1).replace("\"\"", "\"") : n.toLowerCase(Locale.ROOT);
  }

  /** Removes a "pg_catalog." just written before a call rewritten; where the call starts. */
  private static int dropQualifier(StringBuilder out) {
    String qualifier = PgCatalog.SCHEMA + ".";
    int at = out.length() - qualifier.length();
    if (at >= 0 && out.substring(at).equalsIgnoreCase(qualifier)) {
      out.setLength(at);
    }
    return out.length();
  }

  /** Whether the token before i is a name, which a following "(" makes a call. */
  private static boolean previousIsName(List<Token> in, int i) {
    for (int k = i - 1; k >= 0; k--) {
      Token t = in.get(k);
      if (t.kind() != Kind.SPACE) {
        return t.kind() == Kind.QUOTED || t.kind() == Kind.WORD && !KEYWORDS_BEFORE_PARENS
            .contains(t.text().toUpperCase(Locale.ROOT));
      }
    }
    return false;
  }

  private static boolean previousIs(List<Token> in, int i, String text) {
    for (int k = i - 1; k >= 0; k--) {
      if (in.get(k).kind() != Kind.SPACE) {
        return in.get(k).is(text);
      }
    }
    return false;
  }

  /**
   * The column names of a query that cannot have rows, or null: one whose every UNION branch
   * reads, in its FROM list or by an inner join, a relation pmsql never has rows in (psql's
   * {@code \d} asks for policies, statistics objects, publications and inheritance this way, in
   * PostgreSQL's own syntax of arrays and casts).
   */
  public static List<String> columnsIfAlwaysEmpty(List<Token> statement) {
    List<Token> in = statement.stream().filter(t -> t.kind() != Kind.SPACE).toList();
    List<List<Token>> branches = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < in.size(); i++) {
      Token t = in.get(i);
      if (t.is("(")) {
        depth++;
      } else if (t.is(")")) {
        depth--;
      } else if (depth == 0 && (t.is("INTERSECT") || t.is("EXCEPT"))) {
        return null;
      } else if (depth == 0 && t.is("UNION")) {
        branches.add(in.subList(start, i));
        start = i + 1;
        if (i + 1 < in.size() && (in.get(i + 1).is("ALL") || in.get(i + 1).is("DISTINCT"))) {
          start++;
        }
      }
    }
    branches.add(in.subList(start, in.size()));
    if (branches.isEmpty() || !branches.get(0).get(0).is("SELECT")) {
      return null;
    }
    for (List<Token> branch : branches) {
      if (!readsEmptyRelation(branch)) {
        return null;
      }
    }
    return selectNames(branches.get(0));
  }

  private static boolean readsEmptyRelation(List<Token> branch) {
    int depth = 0;
    boolean inFrom = false;
    boolean expectRelation = false;
    for (int i = 0; i < branch.size(); i++) {
      Token t = branch.get(i);
      if (t.is("(") && depth == 0 && expectRelation) {
        // a derived table: empty when its own query is
        int close = closingParen(branch, i);
        if (columnsIfAlwaysEmpty(branch.subList(i + 1, close)) != null) {
          return true;
        }
        expectRelation = false;
        i = close;
        continue;
      }
      if (t.is("(")) {
        depth++;
        expectRelation = false;
        continue;
      }
      if (t.is(")")) {
        depth--;
        continue;
      }
      if (depth != 0) {
        continue;
      }
      if (t.is("FROM")) {
        inFrom = true;
        expectRelation = true;
      } else if (t.is("WHERE") || t.is("GROUP") || t.is("ORDER") || t.is("LIMIT")
          || t.is("HAVING")) {
        inFrom = false;
      } else if (inFrom && (t.is(",") || t.is("JOIN") && !outerJoin(branch, i))) {
        expectRelation = true;
      } else if (expectRelation) {
        int nameAt = i;
        if (t.is("pg_catalog") && i + 2 < branch.size() && branch.get(i + 1).is(".")) {
          nameAt = i + 2;
        }
        Token name = branch.get(nameAt);
        if (PgCatalog.EMPTY_RELATIONS.contains(name.text().toLowerCase(Locale.ROOT))) {
          return true;
        }
        expectRelation = false;
        i = nameAt;
      }
    }
    return false;
  }

  private static boolean outerJoin(List<Token> tokens, int join) {
    for (int k = join - 1; k >= 0 && k >= join - 2; k--) {
      Token t = tokens.get(k);
      if (t.is("LEFT") || t.is("RIGHT") || t.is("FULL")) {
        return true;
      }
    }
    return false;
  }

  private static List<String> selectNames(List<Token> branch) {
    List<String> names = new ArrayList<>();
    int depth = 0;
    Token last = null;
    Token beforeLast = null;
    for (int i = 1; i < branch.size(); i++) {
      Token t = branch.get(i);
      boolean end = depth == 0 && (t.is(",") || t.is("FROM"));
      if (end) {
        boolean aliased = beforeLast != null && beforeLast.is("AS");
        String name = last == null ? "?column?"
            : last.kind() == Kind.QUOTED ? last.value()
            : last.kind() == Kind.WORD && (aliased || !last.is("NULL")) ? last.text()
            : "?column?";
        names.add(name);
        last = null;
        beforeLast = null;
        if (t.is("FROM")) {
          return names;
        }
        continue;
      }
      if (t.is("(")) {
        depth++;
      } else if (t.is(")")) {
        depth--;
      }
      if (depth == 0) {
        beforeLast = last;
        last = t;
      }
    }
    return names;
  }
}
