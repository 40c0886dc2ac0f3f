package org.pmsql.pmproxy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.pmsql.pmseries.Canonical;
import org.pmsql.pmseries.Expression;
import org.pmsql.pmseries.Functions;
import org.pmsql.pmseries.QueryException;
import org.pmsql.pmseries.Selector;
import org.pmsql.pmseries.Series;
import org.pmsql.pmseries.TimeSpec;
import org.pmsql.pmseries.TimeWindow;

/**
 * A {@code /series/query} of functions: each series the expression's selection names is read
 * in the window as a plain query reads it, then the functions apply, innermost first. Every
 * result carries the one id pmseries gives the expression; a value's instance is its input
 * instance, or the input series for a metric without instances.
 */
final class FunctionQuery {
  /** An expression's result over one selected series. */
  record Result(Series input, Functions.Desc desc, List<Functions.Sample> samples) {}

  /** What /series/descs and /series/metrics say of an expression's id. */
  record Derived(String text, String indom, Functions.Desc desc) {}

  private FunctionQuery() {}

  /** Refuses what is not served or not well formed, before anything is read. */
  static void check(Expression e) throws QueryException {
    check(e, e.time());
  }

  private static void check(Expression e, TimeSpec window) throws QueryException {
    if (e instanceof Expression.Selection s) {
      if (!Objects.equals(s.time(), window)) {
        throw new QueryException("every series of an expression needs the same time window"
            + " (or none)");
      }
      return;
    }
    if (e instanceof Expression.Constant k) {
      throw new QueryException("a number (" + k.text() + ") may only multiply a series"
          + " expression: 2*x or x*2");
    }
    if (e instanceof Expression.Arithmetic a) {
      boolean constantLeft = a.left() instanceof Expression.Constant;
      boolean constantRight = a.right() instanceof Expression.Constant;
      if ((constantLeft || constantRight) && a.op() == '*' && constantLeft != constantRight) {
        check(constantLeft ? a.right() : a.left(), window);
        return;
      }
      check(a.left(), window);
      check(a.right(), window);
      return;
    }
    Expression.Call c = (Expression.Call) e;
    if (!Functions.SERVED.contains(c.function())) {
      throw new QueryException(c.function() + "() is not a pmseries function; these are: "
          + String.join(", ", Functions.SERVED));
    }
    if (c.arguments().size() != 1) {
      throw new QueryException(c.function() + "() takes one series expression" + usage(c));
    }
    String extra = c.text();
    boolean wellFormed;
    if (c.function().equals("log")) {
      wellFormed = extra == null || extra.matches("[0-9.]+([eE][-+]?[0-9]+)?");
    } else if (c.function().equals("rescale")) {
      wellFormed = extra != null && extra.startsWith("\"");
    } else if (Functions.RANKED.contains(c.function())) {
      wellFormed = extra != null && extra.matches("[0-9]{1,9}")
          && (c.function().startsWith("topk") ? Integer.parseInt(extra) >= 1
              : Integer.parseInt(extra) <= 100);
    } else {
      wellFormed = extra == null;
    }
    if (!wellFormed) {
      throw new QueryException(c.function() + "() takes one series expression" + usage(c));
    }
    check(c.arguments().get(0), window);
  }

  private static String usage(Expression.Call c) {
    return switch (c.function()) {
      case "log" -> " and optionally a base: log(x) or log(x,10)";
      case "rescale" -> " and units in quotes: rescale(x,\"MB\")";
      case "topk_inst", "topk_sample" -> " and a count from 1: " + c.function() + "(x, 5)";
      case "nth_percentile_inst", "nth_percentile_sample" ->
          " and a percentile 0 to 100: " + c.function() + "(x, 95)";
      default -> "";
    };
  }

  /** The expression over each series its selection names; no samples when window is null. */
  static List<Result> evaluate(Expression e, SeriesCatalog.Snapshot snapshot,
      SeriesValues values, TimeWindow window) throws QueryException, SQLException,
      java.io.IOException {
    if (e instanceof Expression.Selection s) {
      List<Result> results = new ArrayList<>();
      for (Series series : selected(s, snapshot)) {
        results.add(new Result(series, new Functions.Desc(series.type(), series.semantics(),
            series.units()), window == null ? List.of()
            : values.samples(series, window, snapshot.hosts().get(series.host()))));
      }
      return results;
    }
    if (e instanceof Expression.Arithmetic a) {
      return arithmetic(a, snapshot, values, window);
    }
    Expression.Call c = (Expression.Call) e;
    String argument = canonical(c.arguments().get(0), snapshot);
    List<Result> results = new ArrayList<>();
    for (Result in : evaluate(c.arguments().get(0), snapshot, values, window)) {
      Functions.Desc desc = Functions.desc(c.function(), c.text(), argument, in.input().id(),
          in.desc());
      results.add(new Result(in.input(), desc, window == null ? List.of()
          : Functions.apply(c.function(), in.desc(), in.samples(), c.text())));
    }
    return results;
  }

  /**
   * {@code x * number}, or two expressions combined: each left series with the right series of
   * the same host (the n-th with the n-th where a side has several), values of the same time
   * and instance name (or the only value of each side) paired. pmproxy 6.0.3 pairs only the
   * first series of each side, by position, and returns the others unchanged.
   */
  private static List<Result> arithmetic(Expression.Arithmetic a,
      SeriesCatalog.Snapshot snapshot, SeriesValues values, TimeWindow window)
      throws QueryException, SQLException, java.io.IOException {
    if (a.left() instanceof Expression.Constant || a.right() instanceof Expression.Constant) {
      boolean constantLeft = a.left() instanceof Expression.Constant;
      String constant = ((Expression.Constant) (constantLeft ? a.left() : a.right())).text();
      List<Result> results = new ArrayList<>();
      for (Result in : evaluate(constantLeft ? a.right() : a.left(), snapshot, values,
          window)) {
        results.add(new Result(in.input(), Functions.timesConstantDesc(in.desc(), constant),
            Functions.timesConstant(in.samples(), constant)));
      }
      return results;
    }
    List<Result> left = evaluate(a.left(), snapshot, values, window);
    List<Result> right = evaluate(a.right(), snapshot, values, window);
    if (left.isEmpty() || right.isEmpty()) {
      return List.of();
    }
    if (!left.get(0).input().indom().equals(right.get(0).input().indom())) {
      throw new QueryException("Operands should have the same instance domain for all of the"
          + " binary operators.\n");
    }
    Map<String, List<Result>> rightByHost = new HashMap<>();
    for (Result r : right) {
      rightByHost.computeIfAbsent(r.input().host(), h -> new ArrayList<>()).add(r);
    }
    Map<String, Integer> seen = new HashMap<>();
    List<Result> results = new ArrayList<>();
    for (Result l : left) {
      int n = seen.merge(l.input().host(), 1, Integer::sum) - 1;
      List<Result> candidates = rightByHost.getOrDefault(l.input().host(), List.of());
      if (n < candidates.size()) {
        Result r = candidates.get(n);
        Functions.Arithmetic op = Functions.Arithmetic.of(a.op(), l.desc(), r.desc());
        // as pmseries: the result's type is settled by computing values; an id keeps the left's
        Functions.Desc desc = window != null ? op.desc()
            : new Functions.Desc(l.desc().type(), op.desc().semantics(), op.desc().units());
        results.add(new Result(l.input(), desc, combine(op, l, r)));
      }
    }
    return results;
  }

  /** Values of the same time paired by instance name, or the only value on each side. */
  private static List<Functions.Sample> combine(Functions.Arithmetic op, Result left,
      Result right) throws QueryException {
    Map<String, String> leftNames = instanceNames(left.input());
    Map<String, String> rightNames = instanceNames(right.input());
    Map<Long, Functions.Sample> rightByTime = new HashMap<>();
    for (Functions.Sample s : right.samples()) {
      rightByTime.put(s.nanos(), s);
    }
    List<Functions.Sample> out = new ArrayList<>();
    for (Functions.Sample l : left.samples()) {
      Functions.Sample r = rightByTime.get(l.nanos());
      if (r == null) {
        continue;
      }
      Map<String, String> rightByName = new HashMap<>();
      for (Functions.Value v : r.values()) {
        rightByName.put(instanceName(rightNames, v.instance()), v.text());
      }
      List<Functions.Value> values = new ArrayList<>();
      for (Functions.Value v : l.values()) {
        String other = l.values().size() == 1 && r.values().size() == 1
            ? r.values().get(0).text()
            : rightByName.get(instanceName(leftNames, v.instance()));
        if (other != null) {
          values.add(new Functions.Value(v.nanos(), v.instance(), op.apply(v.text(), other)));
        }
      }
      out.add(new Functions.Sample(l.nanos(), values));
    }
    return out;
  }

  private static Map<String, String> instanceNames(Series series) {
    Map<String, String> names = new HashMap<>();
    for (Series.Instance i : series.instances()) {
      names.put(i.id(), i.name());
    }
    return names;
  }

  /** An instance's name from its id; the id itself where it names none, "" for no id. */
  private static String instanceName(Map<String, String> names, String instanceId) {
    return instanceId == null ? "" : names.getOrDefault(instanceId, instanceId);
  }

  /** The expression's text as pmseries hashes it and names it in errors. */
  static String canonical(Expression e, SeriesCatalog.Snapshot snapshot) {
    return Canonical.of(e, s -> {
      try {
        List<Series> matched = selected(s, snapshot);
        return matched.isEmpty() ? null : matched.get(0).metric();
      } catch (QueryException e1) {
        return null;
      }
    });
  }

  /** The selection's series in id order, as pmproxy reads them. */
  static List<Series> selected(Expression.Selection s, SeriesCatalog.Snapshot snapshot)
      throws QueryException {
    List<Series> chosen = new ArrayList<>(new Selector(s).select(snapshot.all(),
        snapshot.sourceNames()));
    chosen.sort(Comparator.comparing(Series::id));
    return chosen;
  }
}
