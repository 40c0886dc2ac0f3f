package org.pmsql.serving;

import java.sql.SQLException;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.pmsql.sql.SqlRules;

/**
 * Bounds on the SQL a server takes from a client, checked before anything plans it: Calcite's
 * conversion of a statement is not interruptible and grows faster than its text (an IN list of
 * 150,000 values kept a core busy for over seven minutes, past any timeout). Text that does not
 * parse is left to the planner, which names the bad token.
 */
public final class SqlLimits {
  /** Characters of one statement. */
  public static final int MAX_CHARS = 256 * 1024;
  /** Values of one IN list. */
  public static final int MAX_IN_LIST = 10_000;
  /** Nesting of expressions and queries. */
  public static final int MAX_DEPTH = 200;

  private SqlLimits() {}

  /** Refuses a statement beyond a bound, saying which (SQLSTATE 54000, as PostgreSQL). */
  public static void check(String sql) throws SQLException {
    if (sql.length() > MAX_CHARS) {
      throw refused("statement of " + sql.length() + " characters is longer than the "
          + MAX_CHARS + " this server takes");
    }
    SqlNode node;
    try {
      node = SqlParser.create(sql, SqlRules.parser()).parseStmt();
    } catch (SqlParseException e) {
      return;
    } catch (StackOverflowError e) {
      throw refused("statement nests deeper than this server takes (" + MAX_DEPTH + ")");
    }
    check(node, 0);
  }

  private static void check(SqlNode node, int depth) throws SQLException {
    if (node == null) {
      return;
    }
    if (depth > MAX_DEPTH) {
      throw refused("statement nests deeper than the " + MAX_DEPTH + " levels this server"
          + " takes");
    }
    if (node instanceof SqlNodeList list) {
      for (SqlNode item : list) {
        check(item, depth + 1);
      }
    } else if (node instanceof SqlCall call) {
      if ((call.getKind() == SqlKind.IN || call.getKind() == SqlKind.NOT_IN)
          && call.operandCount() == 2 && call.operand(1) instanceof SqlNodeList values
          && values.size() > MAX_IN_LIST) {
        throw refused("IN list of " + values.size() + " values is longer than the "
            + MAX_IN_LIST + " this server takes; put the values in a table or a range");
      }
      for (SqlNode operand : operands(call)) {
        check(operand, depth + 1);
      }
    }
  }

  private static Iterable<SqlNode> operands(SqlCall call) {
    try {
      return call.getOperandList();
    } catch (UnsupportedOperationException e) {
      return java.util.List.of(); // a node without operands of its own (window specs)
    }
  }

  private static SQLException refused(String why) {
    return new SQLException(why, "54000");
  }
}
