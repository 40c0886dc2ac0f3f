package org.pmsql.sql.asof;

import java.util.Locale;

/**
 * The keyless ASOF join, {@code a ASOF JOIN b MATCH_CONDITION (a.ts >= b.ts)} with no ON (as
 * Snowflake writes it): Calcite's parser insists on an ON clause, so one that always holds is
 * supplied. The text is read as SQL tokens, so quoted strings, quoted identifiers and comments
 * that hold the word are left alone.
 */
public final class AsofSyntax {
  private static final String KEYWORD = "MATCH_CONDITION";

  private AsofSyntax() {}

  /** {@code sql} with {@code ON TRUE} after each parenthesised MATCH_CONDITION lacking ON. */
  public static String withOnClauses(String sql) {
    if (!sql.toUpperCase(Locale.ROOT).contains(KEYWORD)) {
      return sql;
    }
    StringBuilder out = new StringBuilder(sql.length() + 16);
    int i = 0;
    while (i < sql.length()) {
      int next = skipQuotedOrComment(sql, i);
      if (next > i) {
        out.append(sql, i, next);
        i = next;
      } else if (isKeywordAt(sql, i)) {
        int open = skipSpace(sql, i + KEYWORD.length());
        int close = open < sql.length() && sql.charAt(open) == '(' ? matching(sql, open) : -1;
        if (close < 0) {
          out.append(sql, i, i + KEYWORD.length());
          i += KEYWORD.length();
          continue;
        }
        out.append(sql, i, close + 1);
        int after = skipSpace(sql, close + 1);
        if (!isWordAt(sql, after, "ON")) {
          out.append(" ON TRUE");
        }
        i = close + 1;
      } else {
        out.append(sql.charAt(i++));
      }
    }
    return out.toString();
  }

  private static boolean isKeywordAt(String sql, int i) {
    return isWordAt(sql, i, KEYWORD);
  }

  private static boolean isWordAt(String sql, int i, String word) {
    int end = i + word.length();
    return sql.regionMatches(true, i, word, 0, word.length())
        && (i == 0 || !isWordChar(sql.charAt(i - 1)))
        && (end == sql.length() || !isWordChar(sql.charAt(end)));
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  /** The end of a quoted string, quoted identifier or comment starting at i, else i. */
  private static int skipQuotedOrComment(String sql, int i) {
    char c = sql.charAt(i);
    if (c == '\'' || c == '"') {
      int j = i + 1;
      while (j < sql.length()) {
        if (sql.charAt(j) == c) {
          if (j + 1 < sql.length() && sql.charAt(j + 1) == c) {
            j += 2;
            continue;
          }
          return j + 1;
        }
        j++;
      }
      return sql.length();
    }
    if (sql.startsWith("--", i)) {
      int end = sql.indexOf('\n', i);
      return end < 0 ? sql.length() : end + 1;
    }
    if (sql.startsWith("/*", i)) {
      int end = sql.indexOf("*/", i + 2);
      return end < 0 ? sql.length() : end + 2;
    }
    return i;
  }

  private static int skipSpace(String sql, int i) {
    while (i < sql.length()) {
      int next = Character.isWhitespace(sql.charAt(i)) ? i + 1
          : sql.startsWith("--", i) || sql.startsWith("/*", i) ? skipQuotedOrComment(sql, i) : i;
      if (next == i) {
        return i;
      }
      i = next;
    }
    return i;
  }

  /** The index of the parenthesis closing the one at {@code open}, or -1. */
  private static int matching(String sql, int open) {
    int depth = 0;
    int i = open;
    while (i < sql.length()) {
      int next = skipQuotedOrComment(sql, i);
      if (next > i) {
        i = next;
        continue;
      }
      char c = sql.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
      i++;
    }
    return -1;
  }
}
