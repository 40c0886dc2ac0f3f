package org.pmsql.pmseries;

import java.util.List;

/** A parsed pmseries(1) expression. */
public sealed interface Expression {

  /**
   * Series chosen by metric name (a glob when it holds '*'; null: any) and qualifiers (null:
   * none), with the time window of their values (null: ids only, no values).
   */
  record Selection(String metricGlob, Qualifier qualifier, TimeSpec time) implements Expression {}

  /**
   * A function of expressions, e.g. rate(x), max_sample(x), rescale(x,"kbyte"), with its one
   * constant argument as typed ({@code "kbyte"} with its quotes, {@code 10}), or null.
   */
  record Call(String function, List<Expression> arguments, String text) implements Expression {}

  /** {@code left op right}, op one of + - * /. */
  record Arithmetic(char op, Expression left, Expression right) implements Expression {}

  /** A number as typed, which pmseries allows only as a factor: {@code 2*x}, {@code x*2.5}. */
  record Constant(String text) implements Expression {}

  /** The time window of the expression: that of its first selection with one, or null. */
  default TimeSpec time() {
    if (this instanceof Selection s) {
      return s.time();
    }
    if (this instanceof Call c) {
      return c.arguments().stream().map(Expression::time).filter(t -> t != null).findFirst()
          .orElse(null);
    }
    if (this instanceof Arithmetic a) {
      return a.left().time() != null ? a.left().time() : a.right().time();
    }
    return null;
  }
}
