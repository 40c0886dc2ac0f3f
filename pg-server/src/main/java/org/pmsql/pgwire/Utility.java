package org.pmsql.pgwire;

import java.util.List;
import java.util.Locale;
import org.pmsql.pgsql.PgLexer;
import org.pmsql.pgsql.PgLexer.Kind;
import org.pmsql.pgsql.PgLexer.Token;

/**
 * The statements a PostgreSQL session answers itself rather than pmsql's SQL: settings (SET,
 * RESET, SHOW), transactions (BEGIN, COMMIT, ROLLBACK, savepoints: nothing is ever written,
 * so they only mark a block), cursors (DECLARE, FETCH, MOVE, CLOSE) and session resets
 * (DISCARD, DEALLOCATE). Anything else is a query.
 */
record Utility(Type type, String name, String value, long count, boolean hold,
    List<Token> query) {
  enum Type { EMPTY, QUERY, SET, RESET, SHOW, BEGIN, COMMIT, ROLLBACK, SAVEPOINT, DECLARE,
    FETCH, MOVE, CLOSE, DISCARD, DEALLOCATE, LISTEN }

  /** FETCH ALL. */
  static final long ALL = Long.MAX_VALUE;

  static Utility of(List<Token> statement) {
    List<Token> words = statement.stream().filter(t -> t.kind() != Kind.SPACE).toList();
    if (words.isEmpty()) {
      return simple(Type.EMPTY, statement);
    }
    String first = words.get(0).text().toUpperCase(Locale.ROOT);
    return switch (first) {
      case "SET" -> set(words);
      case "RESET" -> new Utility(Type.RESET, words.size() > 1 ? name(words.get(1)) : "ALL", null,
          0, false, null);
      case "SHOW" -> show(words);
      case "BEGIN", "START" -> simple(Type.BEGIN, null);
      case "COMMIT", "END" -> simple(Type.COMMIT, null);
      case "ROLLBACK", "ABORT" -> words.size() > 1 && words.get(1).text().equalsIgnoreCase("TO")
          || words.size() > 2 && words.get(2).text().equalsIgnoreCase("TO")
          ? simple(Type.SAVEPOINT, null) : simple(Type.ROLLBACK, null);
      case "SAVEPOINT", "RELEASE" -> simple(Type.SAVEPOINT, null);
      case "DECLARE" -> declare(statement, words);
      case "FETCH", "MOVE" -> fetch(first.equals("FETCH") ? Type.FETCH : Type.MOVE, words);
      case "CLOSE" -> new Utility(Type.CLOSE, words.size() > 1 ? name(words.get(1)) : null, null,
          0, false, null);
      case "DISCARD" -> simple(Type.DISCARD, null);
      case "DEALLOCATE" -> new Utility(Type.DEALLOCATE, name(words.get(words.size() - 1)), null,
          0, false, null);
      case "LISTEN", "UNLISTEN" -> simple(Type.LISTEN, null);
      default -> simple(Type.QUERY, statement);
    };
  }

  /** The command tag PostgreSQL completes this statement with (rows counted elsewhere). */
  String tag() {
    return switch (type) {
      case SET -> "SET";
      case RESET -> "RESET";
      case SHOW -> "SHOW";
      case BEGIN -> "BEGIN";
      case COMMIT -> "COMMIT";
      case ROLLBACK -> "ROLLBACK";
      case SAVEPOINT -> "SAVEPOINT";
      case DECLARE -> "DECLARE CURSOR";
      case CLOSE -> "CLOSE CURSOR";
      case DISCARD -> "DISCARD ALL";
      case DEALLOCATE -> "DEALLOCATE";
      case LISTEN -> "LISTEN";
      default -> "";
    };
  }

  private static Utility simple(Type type, List<Token> query) {
    return new Utility(type, null, null, 0, false, query);
  }

  /** SET [SESSION | LOCAL] name {TO | =} value; SET TIME ZONE value; SET TRANSACTION ... */
  private static Utility set(List<Token> words) {
    int i = 1;
    if (i < words.size() && (words.get(i).is("SESSION") || words.get(i).is("LOCAL"))) {
      i++;
    }
    if (i < words.size() && (words.get(i).is("TRANSACTION")
        || words.get(i).is("CHARACTERISTICS"))) {
      return simple(Type.SET, null);
    }
    if (i + 1 < words.size() && words.get(i).is("TIME") && words.get(i + 1).is("ZONE")) {
      return new Utility(Type.SET, "TimeZone", value(words, i + 2), 0, false, null);
    }
    if (i >= words.size()) {
      throw new IllegalArgumentException("syntax error at end of input: SET needs a name");
    }
    String name = name(words.get(i));
    int v = i + 1;
    if (v < words.size() && (words.get(v).is("TO") || words.get(v).is("="))) {
      v++;
    }
    return new Utility(Type.SET, name, value(words, v), 0, false, null);
  }

  private static String value(List<Token> words, int from) {
    StringBuilder value = new StringBuilder();
    for (int k = from; k < words.size(); k++) {
      Token t = words.get(k);
      if (t.is(",")) {
        value.append(", ");
        continue;
      }
      value.append(t.kind() == Kind.STRING || t.kind() == Kind.QUOTED ? t.value() : t.text());
    }
    String v = value.toString();
    return v.equalsIgnoreCase("DEFAULT") ? null : v;
  }

  private static Utility show(List<Token> words) {
    if (words.size() > 1 && words.get(1).is("TRANSACTION")) {
      return new Utility(Type.SHOW, "transaction_isolation", null, 0, false, null);
    }
    if (words.size() > 2 && words.get(1).is("TIME") && words.get(2).is("ZONE")) {
      return new Utility(Type.SHOW, "TimeZone", null, 0, false, null);
    }
    if (words.size() < 2) {
      throw new IllegalArgumentException("syntax error at end of input: SHOW needs a name");
    }
    return new Utility(Type.SHOW, name(words.get(1)), null, 0, false, null);
  }

  /** DECLARE name [BINARY] [ASENSITIVE | INSENSITIVE] [[NO] SCROLL] CURSOR [WITH[OUT] HOLD] FOR q. */
  private static Utility declare(List<Token> statement, List<Token> words) {
    if (words.size() < 2) {
      throw new IllegalArgumentException("syntax error at end of input: DECLARE needs a name");
    }
    String name = name(words.get(1));
    boolean hold = false;
    for (int k = 2; k < words.size(); k++) {
      if (words.get(k).is("WITH") && k + 1 < words.size() && words.get(k + 1).is("HOLD")) {
        hold = true;
      }
      if (words.get(k).is("FOR")) {
        Token forToken = words.get(k);
        int at = statement.indexOf(forToken);
        return new Utility(Type.DECLARE, name, null, 0, hold,
            statement.subList(at + 1, statement.size()));
      }
    }
    throw new IllegalArgumentException("syntax error in DECLARE: expected FOR and a query");
  }

  /** FETCH [FORWARD | NEXT] [count | ALL] [FROM | IN] name. */
  private static Utility fetch(Type type, List<Token> words) {
    long count = 1;
    int k = 1;
    while (k < words.size() - 1) {
      Token t = words.get(k);
      if (t.is("FORWARD") || t.is("NEXT") || t.is("FROM") || t.is("IN")) {
        k++;
      } else if (t.is("ALL")) {
        count = ALL;
        k++;
      } else if (t.kind() == Kind.NUMBER) {
        count = Long.parseLong(t.text());
        k++;
      } else if (t.is("BACKWARD") || t.is("PRIOR") || t.is("FIRST") || t.is("LAST")
          || t.is("ABSOLUTE") || t.is("RELATIVE")) {
        throw new UnsupportedOperationException("cursors here move forward only: "
            + t.text().toUpperCase(Locale.ROOT) + " is not supported");
      } else {
        break;
      }
    }
    if (k >= words.size()) {
      throw new IllegalArgumentException("syntax error: " + type + " needs a cursor name");
    }
    return new Utility(type, name(words.get(words.size() - 1)), null, count, false, null);
  }

  private static String name(Token t) {
    return t.kind() == Kind.QUOTED ? t.value() : t.text().toLowerCase(Locale.ROOT);
  }
}
