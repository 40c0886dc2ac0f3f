package org.pmsql.pgsql;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's lexical rules, as far as a statement must be cut and rewritten without being
 * parsed: quoted names, standard and E'' strings, dollar-quoted strings, nested comments,
 * {@code $n} parameters and operators. Unterminated quotes and comments fail naming the offset.
 */
public final class PgLexer {
  /** What a token is. */
  public enum Kind { WORD, QUOTED, STRING, NUMBER, PARAM, OPERATOR, PUNCT, SPACE }

  /**
   * A token; {@code value} is a string's content, a quoted name's name, white space as written,
   * a comment as one space.
   */
  public record Token(Kind kind, String text, String value) {
    public boolean is(String word) {
      return (kind == Kind.WORD || kind == Kind.OPERATOR || kind == Kind.PUNCT)
          && text.equalsIgnoreCase(word);
    }
  }

  private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?";

  private PgLexer() {}

  /** The tokens of a text; comments are spaces. */
  public static List<Token> tokens(String sql) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      int start = i;
      if (Character.isWhitespace(c)) {
        while (i < n && Character.isWhitespace(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.SPACE, sql.substring(start, i), sql.substring(start, i)));
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
        tokens.add(new Token(Kind.SPACE, sql.substring(start, i), " "));
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = blockCommentEnd(sql, i);
        tokens.add(new Token(Kind.SPACE, sql.substring(start, i), " "));
      } else if ((c == 'E' || c == 'e') && i + 1 < n && sql.charAt(i + 1) == '\'') {
        i = escapedStringEnd(sql, i + 1);
        tokens.add(new Token(Kind.STRING, sql.substring(start, i),
            unescape(sql.substring(start + 2, i - 1), start)));
      } else if (c == '\'') {
        i = quotedEnd(sql, i, '\'');
        tokens.add(new Token(Kind.STRING, sql.substring(start, i),
            sql.substring(start + 1, i - 1).replace("''", "'")));
      } else if (c == '"') {
        i = quotedEnd(sql, i, '"');
        tokens.add(new Token(Kind.QUOTED, sql.substring(start, i),
            sql.substring(start + 1, i - 1).replace("\"\"", "\"")));
      } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
        i++;
        while (i < n && Character.isDigit(sql.charAt(i))) {
          i++;
        }
        tokens.add(new Token(Kind.PARAM, sql.substring(start, i), sql.substring(start + 1, i)));
      } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
        int tagEnd = dollarTagEnd(sql, i);
        String tag = sql.substring(i, tagEnd);
        int close = sql.indexOf(tag, tagEnd);
        if (close < 0) {
          throw new IllegalArgumentException("unterminated dollar-quoted string at offset "
              + start);
        }
        i = close + tag.length();
        tokens.add(new Token(Kind.STRING, sql.substring(start, i), sql.substring(tagEnd, close)));
      } else if (Character.isLetter(c) || c == '_') {
        while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
            || sql.charAt(i) == '$')) {
          i++;
        }
        tokens.add(new Token(Kind.WORD, sql.substring(start, i), null));
      } else if (Character.isDigit(c) || c == '.' && i + 1 < n
          && Character.isDigit(sql.charAt(i + 1))) {
        i = numberEnd(sql, i);
        tokens.add(new Token(Kind.NUMBER, sql.substring(start, i), null));
      } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
        i += 2;
        tokens.add(new Token(Kind.OPERATOR, "::", null));
      } else if (OPERATOR_CHARS.indexOf(c) >= 0) {
        while (i < n && OPERATOR_CHARS.indexOf(sql.charAt(i)) >= 0
            && !sql.startsWith("--", i) && !sql.startsWith("/*", i)) {
          i++;
        }
        tokens.add(new Token(Kind.OPERATOR, sql.substring(start, i), null));
      } else {
        i++;
        tokens.add(new Token(Kind.PUNCT, sql.substring(start, i), null));
      }
    }
    return tokens;
  }

  /** The statements of a text, cut at semicolons outside quotes and comments; blank ones too. */
  public static List<List<Token>> statements(String sql) {
    List<List<Token>> statements = new ArrayList<>();
    List<Token> current = new ArrayList<>();
    for (Token token : tokens(sql)) {
      if (token.kind() == Kind.PUNCT && token.text().equals(";")) {
        statements.add(current);
        current = new ArrayList<>();
      } else {
        current.add(token);
      }
    }
    if (!statements.isEmpty() && current.stream().allMatch(t -> t.kind() == Kind.SPACE)) {
      return statements;
    }
    statements.add(current);
    return statements;
  }

  /** The text of tokens as written. */
  public static String text(List<Token> tokens) {
    StringBuilder text = new StringBuilder();
    tokens.forEach(t -> text.append(t.text()));
    return text.toString();
  }

  /** Whether tokens hold nothing but spaces and comments. */
  public static boolean blank(List<Token> tokens) {
    return tokens.stream().allMatch(t -> t.kind() == Kind.SPACE);
  }

  private static int blockCommentEnd(String sql, int i) {
    int depth = 0;
    int start = i;
    while (i < sql.length()) {
      if (sql.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated /* comment at offset " + start);
  }

  private static int quotedEnd(String sql, int i, char quote) {
    int start = i;
    i++;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unterminated " + (quote == '"' ? "quoted identifier"
        : "quoted string") + " at offset " + start);
  }

  private static int escapedStringEnd(String sql, int i) {
    int start = i;
    i++;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          i += 2;
          continue;
        }
        return i + 1;
      } else {
        i++;
      }
    }
    throw new IllegalArgumentException("unterminated quoted string at offset " + start);
  }

  /** The content of an E'' string: backslash escapes and doubled quotes resolved. */
  private static String unescape(String body, int offset) {
    StringBuilder out = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c == '\'') {
        out.append('\'');
        i++;
      } else if (c != '\\' || i + 1 >= body.length()) {
        out.append(c);
      } else {
        char e = body.charAt(++i);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'x' -> {
            int end = i + 1;
            while (end < body.length() && end < i + 3
                && Character.digit(body.charAt(end), 16) >= 0) {
              end++;
            }
            if (end == i + 1) {
              throw new IllegalArgumentException("invalid \\x escape in the string at offset "
                  + offset);
            }
            out.append((char) Integer.parseInt(body.substring(i + 1, end), 16));
            i = end - 1;
          }
          case 'u', 'U' -> {
            int digits = e == 'u' ? 4 : 8;
            if (i + digits >= body.length()) {
              throw new IllegalArgumentException("invalid Unicode escape in the string at"
                  + " offset " + offset);
            }
            try {
              out.appendCodePoint(Integer.parseInt(body.substring(i + 1, i + 1 + digits), 16));
            } catch (RuntimeException bad) {
              throw new IllegalArgumentException("invalid Unicode escape in the string at"
                  + " offset " + offset);
            }
            i += digits;
          }
          default -> {
            if (e >= '0' && e <= '7') {
              int end = i;
              while (end < body.length() && end < i + 3 && body.charAt(end) >= '0'
                  && body.charAt(end) <= '7') {
                end++;
              }
              out.append((char) Integer.parseInt(body.substring(i, end), 8));
              i = end - 1;
            } else {
              out.append(e);
            }
          }
        }
      }
    }
    return out.toString();
  }

  private static int dollarTagEnd(String sql, int i) {
    int j = i + 1;
    while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j))
        || sql.charAt(j) == '_')) {
      j++;
    }
    return j < sql.length() && sql.charAt(j) == '$' ? j + 1 : -1;
  }

  private static int numberEnd(String sql, int i) {
    int n = sql.length();
    while (i < n && (Character.isDigit(sql.charAt(i)) || sql.charAt(i) == '.')) {
      i++;
    }
    if (i < n && (sql.charAt(i) == 'e' || sql.charAt(i) == 'E')) {
      int j = i + 1;
      if (j < n && (sql.charAt(j) == '+' || sql.charAt(j) == '-')) {
        j++;
      }
      if (j < n && Character.isDigit(sql.charAt(j))) {
        i = j;
        while (i < n && Character.isDigit(sql.charAt(i))) {
          i++;
        }
      }
    }
    return i;
  }
}
