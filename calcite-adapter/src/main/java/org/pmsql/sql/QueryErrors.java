package org.pmsql.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.parser.SqlParseException;

/**
 * One readable line for whatever stopped a query, as a user of a JDBC tool or of pmsql query
 * should see it: the position of a bad token (without Calcite's list of every token it would
 * have taken), the unknown column, the file and offset of damage, or the construct pmsql has
 * no implementation for (instead of the planner's dump of its search). A failure inside pmsql
 * is named as one, never shown as a stack trace.
 */
public final class QueryErrors {
  private static final Pattern MISSING = Pattern.compile("Missing conversion is (\\w+)\\[");
  private static final Pattern NODE = Pattern.compile("^\\s*\\d+:(\\w+)\\((.*)\\)\\s*$",
      Pattern.MULTILINE);
  private static final Pattern CALL = Pattern.compile("\\b([A-Z][A-Z0-9_]*)\\(");
  private static final Pattern PREFIX =
      Pattern.compile("^(Error while (executing SQL|preparing statement) .*?: )+", Pattern.DOTALL);
  private static final int LONGEST = 600;

  private QueryErrors() {}

  /** A runtime exception carrying {@link #oneLine}, the failure itself as its cause. */
  public static RuntimeException readable(Throwable e) {
    return new RuntimeException(oneLine(e), e);
  }

  /**
   * The line: pmsql's own message where it gave one (it names the file and offset, the text,
   * the setting), else the planner's or parser's, else the innermost cause's.
   */
  public static String oneLine(Throwable e) {
    Throwable deepest = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RelOptPlanner.CannotPlanException) {
        return cannotPlan(t.getMessage());
      }
      if (t instanceof SqlParseException || t instanceof CalciteContextException) {
        return tidy(t.getMessage());
      }
      if (t.getMessage() != null && !t.getMessage().isBlank() && !isWrapper(t)) {
        if (thrownByPmsql(t) && !isBug(t)) {
          return tidy(t.getMessage());
        }
        deepest = t;
      }
    }
    if (deepest instanceof ArithmeticException a && "/ by zero".equals(a.getMessage())) {
      return "division by zero";
    }
    if (deepest instanceof NumberFormatException n && n.getMessage().startsWith("For input")) {
      return "cannot read " + n.getMessage().substring(n.getMessage().indexOf(':') + 1).strip()
          + " as a number";
    }
    if (isInternal(deepest)) {
      return "pmsql could not run this query (an error inside pmsql, please report it: "
          + deepest.getClass().getSimpleName()
          + (deepest.getMessage() == null ? "" : ": " + tidy(deepest.getMessage())) + ")";
    }
    if (deepest.getMessage() == null) {
      return deepest.getClass().getSimpleName();
    }
    if (deepest.getMessage().startsWith("Failed to encode")) {
      return tidy(deepest.getMessage()) + "; a literal holds ISO-8859-1 text only: give other"
          + " text as a parameter (?)";
    }
    return tidy(deepest.getMessage());
  }

  /** An exception that only carries its cause ({@code new RuntimeException(cause)}). */
  private static boolean isWrapper(Throwable t) {
    return t.getCause() != null && t.getMessage().equals(t.getCause().toString());
  }

  private static boolean thrownByPmsql(Throwable t) {
    StackTraceElement[] stack = t.getStackTrace();
    return stack.length > 0 && stack[0].getClassName().startsWith("org.pmsql.");
  }

  /** What no code throws on purpose, whatever it says. */
  private static boolean isBug(Throwable t) {
    return t instanceof Error || t instanceof NullPointerException
        || t instanceof ClassCastException || t instanceof IndexOutOfBoundsException;
  }

  /** Errors that say pmsql or Calcite went wrong, not that the query or archive did. */
  private static boolean isInternal(Throwable t) {
    return isBug(t) || t instanceof IllegalStateException
        || t instanceof UnsupportedOperationException || t.getMessage() == null;
  }

  /**
   * The planner's "not enough rules" as the construct it could not implement: the node it
   * found no conversion for, with the functions that node calls.
   */
  private static String cannotPlan(String dump) {
    Matcher missing = MISSING.matcher(dump);
    String node = missing.find() ? missing.group(1) : null;
    String detail = "";
    Matcher nodes = NODE.matcher(dump);
    while (nodes.find()) {
      if (nodes.group(1).equals(node)) {
        detail = nodes.group(2);
        break;
      }
    }
    List<String> calls = new ArrayList<>();
    Matcher call = CALL.matcher(detail);
    while (call.find()) {
      if (!calls.contains(call.group(1))) {
        calls.add(call.group(1));
      }
    }
    String what = node == null ? "part of it"
        : node.contains("Aggregate") ? "the aggregate " + (calls.isEmpty() ? "" : String.join(", ", calls) + " ")
            + "as written (an aggregate function pmsql has no implementation of, or one it"
            + " cannot compute over this input)"
        : node.contains("Window") ? "the window function " + String.join(", ", calls)
        : node.contains("Join") || node.contains("Correlate") ? "this join"
        : node.contains("TableFunction") ? "this table function call"
        : node.contains("TableModify") ? "changing this table: archives are read-only (only"
            + " pcp.log_requests on a pmsql server takes INSERT and DELETE)"
        : node.contains("Delta") || node.contains("Stream") ? "this over a stream (SELECT STREAM"
            + " takes filters, projections and GROUP BY on a time window)"
        : node.replaceFirst("^Logical", "") + (calls.isEmpty() ? "" : " " + String.join(", ", calls));
    return "pmsql cannot run this query: it has no implementation for " + what.strip();
  }

  /** The message's first line, without Calcite's wrapping and its list of expected tokens. */
  private static String tidy(String message) {
    String text = PREFIX.matcher(message).replaceFirst("");
    int expecting = text.indexOf("Was expecting");
    if (expecting > 0) {
      text = text.substring(0, expecting);
    }
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > LONGEST ? text.substring(0, LONGEST) + " ..." : text;
  }
}
