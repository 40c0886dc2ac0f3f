package org.pmsql.pmproxy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.pmsql.pmseries.Canonical;
import org.pmsql.pmseries.Expression;
import org.pmsql.pmseries.Functions;
import org.pmsql.pmseries.QueryException;
import org.pmsql.pmseries.Selector;
import org.pmsql.pmseries.Series;
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

  /** Refuses what is not served, before anything is read. */
  static void check(Expression e) throws QueryException {
    if (e instanceof Expression.Arithmetic) {
      throw new QueryException("arithmetic between series is not served yet; functions of one"
          + " series are (" + String.join(", ", Functions.SERVED) + ")");
    }
    if (e instanceof Expression.Call c) {
      if (!Functions.SERVED.contains(c.function())) {
        throw new QueryException(c.function() + "() is not served yet; these are: "
            + String.join(", ", Functions.SERVED));
      }
      if (c.arguments().size() != 1 || (c.text() != null && !c.function().equals("log"))) {
        throw new QueryException(c.function() + "() takes one series expression"
            + (c.function().equals("log") ? " and a base" : ""));
      }
      check(c.arguments().get(0));
    }
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
    Expression.Call c = (Expression.Call) e;
    String argument = canonical(c.arguments().get(0), snapshot);
    List<Result> results = new ArrayList<>();
    for (Result in : evaluate(c.arguments().get(0), snapshot, values, window)) {
      Functions.Desc desc = Functions.desc(c.function(), argument, in.desc());
      results.add(new Result(in.input(), desc, window == null ? List.of()
          : Functions.apply(c.function(), in.desc(), in.samples(), c.text())));
    }
    return results;
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
