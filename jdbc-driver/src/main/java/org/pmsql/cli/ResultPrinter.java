package org.pmsql.cli;

import java.math.BigDecimal;
import java.io.PrintStream;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Prints a result set as an aligned table, CSV (RFC 4180) or JSON lines. */
abstract class ResultPrinter {
  final PrintStream out;

  ResultPrinter(PrintStream out) {
    this.out = out;
  }

  /** With {@code streaming}, every row is printed as soon as it arrives. */
  static ResultPrinter forFormat(String format, PrintStream out, boolean streaming) {
    switch (format) {
      case "csv":
        return new Csv(out);
      case "json":
        return new JsonLines(out);
      default:
        return new Table(out, streaming ? 1 : Table.PAGE);
    }
  }

  abstract void print(ResultSet rs) throws SQLException;

  /**
   * A value as text: timestamps as the driver shows them, on UTC's wall clock (a Timestamp's
   * own text would be on the JVM's zone's).
   */
  static String text(ResultSet rs, int column, int type) throws SQLException {
    if (type == Types.TIMESTAMP) {
      return rs.getString(column);
    }
    Object v = rs.getObject(column);
    return v == null ? null : v.toString();
  }

  static final class Csv extends ResultPrinter {
    Csv(PrintStream out) {
      super(out);
    }

    @Override
    void print(ResultSet rs) throws SQLException {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        sb.append(i > 1 ? "," : "").append(quote(md.getColumnLabel(i)));
      }
      out.println(sb);
      while (rs.next()) {
        sb.setLength(0);
        for (int i = 1; i <= n; i++) {
          String v = text(rs, i, md.getColumnType(i));
          sb.append(i > 1 ? "," : "").append(v == null ? "" : quote(v));
        }
        out.println(sb);
      }
    }

    private static String quote(String s) {
      if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0
          && s.indexOf('\r') < 0) {
        return s;
      }
      return '"' + s.replace("\"", "\"\"") + '"';
    }
  }

  static final class JsonLines extends ResultPrinter {
    JsonLines(PrintStream out) {
      super(out);
    }

    @Override
    void print(ResultSet rs) throws SQLException {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      StringBuilder sb = new StringBuilder();
      while (rs.next()) {
        sb.setLength(0);
        sb.append('{');
        for (int i = 1; i <= n; i++) {
          if (i > 1) {
            sb.append(',');
          }
          Json.string(sb, md.getColumnLabel(i)).append(':');
          int type = md.getColumnType(i);
          Object v = rs.getObject(i);
          if (v == null) {
            sb.append("null");
          } else if (v instanceof Number num && type != Types.DECIMAL) {
            if (v instanceof Double || v instanceof Float) {
              Json.number(sb, num.doubleValue());
            } else {
              sb.append(num);
            }
          } else if (v instanceof BigDecimal d) {
            sb.append(d.toPlainString());
          } else if (v instanceof Boolean b) {
            sb.append(b);
          } else {
            Json.string(sb, text(rs, i, type));
          }
        }
        out.append(sb.append("}\n"));
      }
    }
  }

  /**
   * Aligned columns; rows are buffered in pages so a long result still starts printing, and a
   * column only ever widens, so pages line up.
   */
  static final class Table extends ResultPrinter {
    static final int PAGE = 1000;
    private final int pageSize;
    private int[] width;

    Table(PrintStream out, int pageSize) {
      super(out);
      this.pageSize = pageSize;
    }

    @Override
    void print(ResultSet rs) throws SQLException {
      ResultSetMetaData md = rs.getMetaData();
      int n = md.getColumnCount();
      List<String[]> page = new ArrayList<>();
      String[] header = new String[n];
      for (int i = 0; i < n; i++) {
        header[i] = md.getColumnLabel(i + 1);
      }
      long rows = 0;
      boolean first = true;
      while (true) {
        boolean more = rs.next();
        if (more) {
          String[] row = new String[n];
          for (int i = 0; i < n; i++) {
            String v = text(rs, i + 1, md.getColumnType(i + 1));
            row[i] = v == null ? "" : v;
          }
          page.add(row);
          rows++;
        }
        if (page.size() == pageSize || (!more && (first || !page.isEmpty()))) {
          printPage(header, page, first);
          first = false;
          page.clear();
        }
        if (!more) {
          break;
        }
      }
      out.println("(" + rows + (rows == 1 ? " row)" : " rows)"));
    }

    private void printPage(String[] header, List<String[]> rows, boolean withHeader) {
      if (width == null) {
        width = new int[header.length];
      }
      for (int i = 0; i < header.length; i++) {
        width[i] = Math.max(width[i], header[i].length());
        for (String[] r : rows) {
          width[i] = Math.max(width[i], r[i].length());
        }
      }
      StringBuilder sb = new StringBuilder();
      if (withHeader) {
        line(sb, header, width);
        for (int i = 0; i < header.length; i++) {
          sb.append(i > 0 ? "-+-" : "").append("-".repeat(width[i]));
        }
        out.println(sb);
      }
      for (String[] r : rows) {
        sb.setLength(0);
        line(sb, r, width);
      }
    }

    private void line(StringBuilder sb, String[] cells, int[] width) {
      sb.setLength(0);
      for (int i = 0; i < cells.length; i++) {
        sb.append(i > 0 ? " | " : "").append(cells[i]);
        sb.append(" ".repeat(width[i] - cells[i].length()));
      }
      out.println(sb.toString().stripTrailing());
      sb.setLength(0);
    }
  }
}
