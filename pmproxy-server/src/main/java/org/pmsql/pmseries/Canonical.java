package org.pmsql.pmseries;

import java.util.function.Function;

/**
 * An expression as pmseries writes it to name what it computes: the series id of a function's
 * or an expression's results is the SHA-1 of {@code {"series":"expr","expr":"<text>"}}. The
 * text leaves out time windows, writes a metric glob as the first metric it matched, ':' as
 * '~~', and a function's extra argument after a comma (and a space, for topk and the
 * percentiles). pmseries names nth_percentile_sample as nth_percentile_inst, so the two share
 * an id; pmsql gives the ids pmseries gives.
 */
public final class Canonical {
  private Canonical() {}

  /** The text; {@code firstMatch} gives the first metric name a glob matched (null: none). */
  public static String of(Expression e, Function<Expression.Selection, String> firstMatch) {
    if (e instanceof Expression.Selection s) {
      String name = s.metricGlob();
      if (name != null && (name.contains("*") || name.contains("?"))) {
        String matched = firstMatch.apply(s);
        name = matched != null ? matched : name;
      }
      return (name == null ? "" : name)
          + (s.qualifier() == null ? "" : "{" + of(s.qualifier()) + "}");
    }
    if (e instanceof Expression.Call c) {
      boolean ranked = c.function().startsWith("topk_")
          || c.function().startsWith("nth_percentile_");
      String name = c.function().equals("nth_percentile_sample") ? "nth_percentile_inst"
          : c.function();
      StringBuilder text = new StringBuilder(name).append('(');
      for (int i = 0; i < c.arguments().size(); i++) {
        text.append(i == 0 ? "" : ",").append(of(c.arguments().get(i), firstMatch));
      }
      if (c.text() != null) {
        text.append(ranked ? ", " : ",").append(c.text());
      }
      return text.append(')').toString();
    }
    if (e instanceof Expression.Constant k) {
      return k.text();
    }
    Expression.Arithmetic a = (Expression.Arithmetic) e;
    return of(a.left(), firstMatch) + a.op() + of(a.right(), firstMatch);
  }

  private static String of(Qualifier q) {
    if (q instanceof Qualifier.And and) {
      return of(and.left()) + " && " + of(and.right());
    }
    if (q instanceof Qualifier.Or or) {
      return of(or.left()) + " || " + of(or.right());
    }
    Qualifier.Compare c = (Qualifier.Compare) q;
    String subject = switch (c.subject()) {
      case LABEL -> c.name();
      case INSTANCE -> "instance.name";
      case METRIC -> "metric.name";
      case SOURCE -> "source.name";
    };
    boolean regex = c.op().equals("=~") || c.op().equals("!~");
    return subject + c.op() + (c.quoted() && !regex ? "\"" + c.value() + "\"" : c.value());
  }
}
