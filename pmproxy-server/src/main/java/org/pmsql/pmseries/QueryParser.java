package org.pmsql.pmseries;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses pmseries(1)'s query language, as pmproxy reads it: {@code metric.glob{qualifiers}[time]},
 * functions of expressions, and + - * / between them. Metric names start with a letter and
 * hold letters, digits and {@code _ . * % \}; a '*' makes one a glob. A qualifier's left side
 * is a label ({@code label.X}, {@code l.X} or {@code X}), or {@code instance.name},
 * {@code metric.name} or {@code source.name} (with pmseries' short forms); ',' means &&.
 */
public final class QueryParser {
  /** Longest expression read: dashboards send a few hundred characters. */
  public static final int MAX_LENGTH = 64 * 1024;
  private static final int MAX_DEPTH = 64;
  private static final Set<String> OPERATORS = Set.of("==", "!=", "=~", "!~", "~~", ":", "<=",
      ">=", "<", ">");

  private final String text;
  private int pos;
  private int depth;

  private QueryParser(String text) {
    this.text = text;
  }

  public static Expression parse(String text) throws QueryException {
    if (text == null || text.isBlank()) {
      throw new QueryException("no expression given (expr=)");
    }
    if (text.length() > MAX_LENGTH) {
      throw new QueryException("expression of " + text.length() + " characters; at most "
          + MAX_LENGTH);
    }
    QueryParser parser = new QueryParser(text);
    Expression e = parser.additive();
    parser.skipSpace();
    if (parser.pos < text.length()) {
      throw parser.error("unexpected '" + text.charAt(parser.pos) + "'");
    }
    return e;
  }

  private Expression additive() throws QueryException {
    Expression left = multiplicative();
    for (skipSpace(); pos < text.length() && (peek() == '+' || peek() == '-'); skipSpace()) {
      char op = text.charAt(pos++);
      left = new Expression.Arithmetic(op, left, multiplicative());
    }
    return left;
  }

  private Expression multiplicative() throws QueryException {
    Expression left = primary();
    for (skipSpace(); pos < text.length() && (peek() == '*' || peek() == '/'); skipSpace()) {
      char op = text.charAt(pos++);
      left = new Expression.Arithmetic(op, left, primary());
    }
    return left;
  }

  private Expression primary() throws QueryException {
    if (++depth > MAX_DEPTH) {
      throw error("expression nested more than " + MAX_DEPTH + " deep");
    }
    try {
      skipSpace();
      if (pos >= text.length()) {
        throw error("expression ends where a metric name or function was expected");
      }
      if (peek() == '(') {
        pos++;
        Expression inner = additive();
        expect(')');
        return inner;
      }
      if (peek() == '{') {
        return new Expression.Selection(null, qualifiers(), time());
      }
      if (Character.isDigit(peek()) || peek() == '.') {
        return new Expression.Constant(number());
      }
      if (!Character.isLetter(peek())) {
        throw error("a metric name or function was expected");
      }
      String name = name();
      skipSpace();
      if (pos < text.length() && peek() == '(') {
        return call(name);
      }
      Qualifier qualifier = pos < text.length() && peek() == '{' ? qualifiers() : null;
      return new Expression.Selection(name, qualifier, time());
    } finally {
      depth--;
    }
  }

  private Expression call(String function) throws QueryException {
    expect('(');
    List<Expression> arguments = new ArrayList<>();
    String argumentText = null;
    arguments.add(additive());
    skipSpace();
    while (pos < text.length() && peek() == ',') {
      pos++;
      skipSpace();
      if (pos < text.length() && (peek() == '"' || Character.isDigit(peek()))) {
        argumentText = peek() == '"' ? '"' + quoted() + '"' : number();
      } else {
        arguments.add(additive());
      }
      skipSpace();
    }
    expect(')');
    return new Expression.Call(function, List.copyOf(arguments), argumentText);
  }

  private Qualifier qualifiers() throws QueryException {
    expect('{');
    Qualifier q = or();
    expect('}');
    return q;
  }

  private Qualifier or() throws QueryException {
    Qualifier left = and();
    while (skipSpace() && text.startsWith("||", pos)) {
      pos += 2;
      left = new Qualifier.Or(left, and());
    }
    return left;
  }

  private Qualifier and() throws QueryException {
    Qualifier left = comparison();
    while (skipSpace() && (text.startsWith("&&", pos) || peek() == ',')) {
      pos += peek() == ',' ? 1 : 2;
      left = new Qualifier.And(left, comparison());
    }
    return left;
  }

  private Qualifier comparison() throws QueryException {
    skipSpace();
    if (pos < text.length() && peek() == '(') {
      if (++depth > MAX_DEPTH) {
        throw error("qualifiers nested more than " + MAX_DEPTH + " deep");
      }
      pos++;
      Qualifier inner = or();
      expect(')');
      depth--;
      return inner;
    }
    if (pos >= text.length() || !Character.isLetter(peek())) {
      throw error("a label, instance.name, metric.name or source.name was expected");
    }
    String lhs = name();
    skipSpace();
    String op = operator();
    skipSpace();
    if (pos >= text.length()) {
      throw error("a value was expected after " + op);
    }
    boolean quoted = peek() == '"';
    String value = quoted ? quoted()
        : Character.isDigit(peek()) || peek() == '-' ? number() : name();
    return subject(lhs, op, value, quoted);
  }

  private Qualifier subject(String lhs, String op, String value, boolean quoted)
      throws QueryException {
    int dot = lhs.indexOf('.');
    String prefix = dot < 0 ? "" : lhs.substring(0, dot);
    String rest = dot < 0 ? lhs : lhs.substring(dot + 1);
    Qualifier.Subject subject = switch (prefix) {
      case "instance", "inst", "i" -> Qualifier.Subject.INSTANCE;
      case "metric", "m" -> Qualifier.Subject.METRIC;
      case "source", "context", "s", "c" -> Qualifier.Subject.SOURCE;
      default -> Qualifier.Subject.LABEL;
    };
    if (subject != Qualifier.Subject.LABEL && !rest.equals("name")) {
      throw error("'" + lhs + "': only " + prefix + ".name can be compared");
    }
    String label = subject != Qualifier.Subject.LABEL ? null
        : prefix.equals("label") || prefix.equals("l") ? rest : lhs;
    return new Qualifier.Compare(subject, label, op, value, quoted);
  }

  private String operator() throws QueryException {
    for (int len = 2; len >= 1; len--) {
      if (pos + len <= text.length() && OPERATORS.contains(text.substring(pos, pos + len))) {
        String op = text.substring(pos, pos + len);
        pos += len;
        return op.equals(":") ? "~~" : op;
      }
    }
    throw error("a comparison (==, !=, =~, !~, ~~, <, <=, >, >=) was expected");
  }

  /** The bracketed time window after a selection, or null. */
  private TimeSpec time() throws QueryException {
    skipSpace();
    if (pos >= text.length() || peek() != '[') {
      return null;
    }
    int close = text.indexOf(']', pos);
    if (close < 0) {
      throw error("'[' without its ']'");
    }
    TimeSpec spec = TimeSpec.NONE;
    pos++;
    while (skipSpace() && pos < close) {
      int colon = text.indexOf(':', pos);
      int end = nextSeparator(close);
      if (colon < 0 || colon > end) {
        spec = spec.with("range", unquote(text.substring(pos, end).strip()));
      } else {
        String key = text.substring(pos, colon).strip();
        spec = spec.with(key, unquote(text.substring(colon + 1, end).strip()));
      }
      pos = end < close ? end + 1 : close;
    }
    pos = close + 1;
    return spec;
  }

  /** The next ',' outside quotes before {@code close}, or {@code close}. */
  private int nextSeparator(int close) {
    boolean inQuotes = false;
    for (int i = pos; i < close; i++) {
      char c = text.charAt(i);
      if (c == '"') {
        inQuotes = !inQuotes;
      } else if (c == ',' && !inQuotes) {
        return i;
      }
    }
    return close;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")
        ? s.substring(1, s.length() - 1) : s;
  }

  private String name() {
    int start = pos;
    while (pos < text.length()) {
      char c = peek();
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '*' || c == '%'
          || c == '\\') {
        pos++;
      } else {
        break;
      }
    }
    return text.substring(start, pos);
  }

  private String quoted() throws QueryException {
    int close = text.indexOf('"', pos + 1);
    if (close < 0) {
      throw error("a string without its closing '\"'");
    }
    String s = text.substring(pos + 1, close);
    pos = close + 1;
    return s;
  }

  private String number() throws QueryException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    while (pos < text.length() && (Character.isDigit(peek()) || peek() == '.' || peek() == 'e'
        || peek() == 'E')) {
      pos++;
    }
    String s = text.substring(start, pos);
    try {
      Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw error("'" + s + "' is not a number");
    }
    return s;
  }

  private void expect(char c) throws QueryException {
    skipSpace();
    if (pos >= text.length() || peek() != c) {
      throw error("'" + c + "' was expected");
    }
    pos++;
  }

  /** Skips white space; always true, to sit in loop conditions. */
  private boolean skipSpace() {
    while (pos < text.length() && Character.isWhitespace(peek())) {
      pos++;
    }
    return true;
  }

  private char peek() {
    return text.charAt(pos);
  }

  private QueryException error(String what) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return new QueryException("cannot parse the expression at offset " + pos + ": " + what
        + " (in: " + shown.replace('\n', ' ') + ")");
  }
}
