package org.pmsql.sql;

import java.util.Properties;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * How pmsql reads SQL: names in double quotes keep their case, unquoted ones too, and both
 * match without regard to case; GROUP BY 1, aliases, != and LIMIT n OFFSET m are accepted (what
 * BI tools and people used to PostgreSQL write). Connections take these as their defaults,
 * and anything that reads a statement before it runs (which tables it streams, which hosts
 * it names) parses it by the same rules.
 */
public final class SqlRules {
  private SqlRules() {}

  /** The rules as Calcite connection properties. */
  public static Properties connectionDefaults() {
    Properties p = new Properties();
    p.setProperty("caseSensitive", "false");
    p.setProperty("quoting", Quoting.DOUBLE_QUOTE.name());
    p.setProperty("unquotedCasing", Casing.UNCHANGED.name());
    p.setProperty("quotedCasing", Casing.UNCHANGED.name());
    p.setProperty("conformance", SqlConformanceEnum.LENIENT.name());
    return p;
  }

  /** A name as a quoted identifier, which keeps its case and any character it holds. */
  public static String identifier(String name) {
    return CalciteSqlDialect.DEFAULT.quoteIdentifier(name);
  }

  /**
   * Text as a character literal. Not Calcite's dialect quoting: it writes other than ASCII as a
   * Unicode-escaped literal of another character set, which clashes with the ISO-8859-1 text
   * of views and of the JDBC adapter's queries.
   */
  public static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** The rules as a parser's configuration. */
  public static SqlParser.Config parser() {
    return SqlParser.config().withCaseSensitive(false).withQuoting(Quoting.DOUBLE_QUOTE)
        .withUnquotedCasing(Casing.UNCHANGED).withQuotedCasing(Casing.UNCHANGED)
        .withConformance(SqlConformanceEnum.LENIENT);
  }
}
