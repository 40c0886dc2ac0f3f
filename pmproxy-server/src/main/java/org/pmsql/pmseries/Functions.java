package org.pmsql.pmseries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pmseries' functions of one expression argument, applied as pmproxy applies them to the
 * sampled values of each series the argument selects: per instance over time ({@code _inst},
 * rate), per time over instances ({@code _sample}), or per value (abs, floor, round, sqrt, log).
 * Values stay pmproxy's texts (integers exact, floating point as C's %e). Where pmproxy 6.0.3
 * computes wrongly (round and sqrt of doubles, avg_inst over a window its interval thins,
 * instances paired by position) this computes what the function means.
 */
public final class Functions {
  /** The functions of one argument served. */
  public static final List<String> SERVED = List.of("rate", "abs", "floor", "round", "sqrt",
      "log", "max_inst", "min_inst", "sum_inst", "avg_inst", "stdev_inst", "max_sample",
      "min_sample", "sum_sample", "avg_sample", "stdev_sample", "max", "min", "sum", "avg");

  /** A value of an instance (null: the series has no instance domain) at a time. */
  public record Value(long nanos, String instance, String text) {}

  /** One time's values, in the order the window gives times. */
  public record Sample(long nanos, List<Value> values) {}

  /** What a function makes of a series' descriptor: its type, semantics and units. */
  public record Desc(String type, String semantics, String units) {}

  private Functions() {}

  /** The function's name as pmseries knows it: max is max_inst, and so on. */
  public static String canonicalName(String function) {
    return switch (function) {
      case "max", "min", "sum", "avg" -> function + "_inst";
      default -> function;
    };
  }

  /**
   * The descriptor of the function's result from that of its argument (whose text is
   * {@code argument}), or an error as pmproxy words it (rate needs a counter; numbers are
   * needed).
   */
  public static Desc desc(String function, String argument, Desc in) throws QueryException {
    String f = canonicalName(function);
    if (!numeric(in.type())) {
      throw new QueryException("Series values' Type extract fail, unsupported type\n");
    }
    return switch (f) {
      case "rate" -> {
        if (!in.semantics().startsWith("counter")) {
          throw new QueryException("Can't rate convert '" + argument
              + "', counter semantics required\n");
        }
        yield new Desc("double", "instant", perSecond(in.units()));
      }
      case "sqrt", "log" -> new Desc("DOUBLE", in.semantics(), in.units());
      case "sum_inst", "sum_sample", "stdev_inst", "stdev_sample" ->
          new Desc("double", f.startsWith("stdev") ? "instance" : in.semantics(), in.units());
      case "avg_inst", "avg_sample" -> new Desc("double", "instance", in.units());
      default -> in;
    };
  }

  /**
   * The function of one series' samples; {@code argument} is log's base (or null). Times come
   * from the input samples, never aligned.
   */
  public static List<Sample> apply(String function, Desc in, List<Sample> samples,
      String argument) throws QueryException {
    String f = canonicalName(function);
    return switch (f) {
      case "rate" -> rate(samples);
      case "abs", "floor", "round", "sqrt", "log" -> perValue(f, in.type(), samples, argument);
      case "max_inst", "min_inst" -> extremePerInstance(samples, f.startsWith("max"));
      case "sum_inst", "avg_inst", "stdev_inst" -> statPerInstance(f, samples);
      case "max_sample", "min_sample" -> extremePerSample(samples, f.startsWith("max"));
      case "sum_sample", "avg_sample", "stdev_sample" -> statPerSample(f, samples);
      default -> throw new QueryException(function + "() is not served");
    };
  }

  private static boolean numeric(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "32", "u32", "64", "u64", "float", "double" -> true;
      default -> false;
    };
  }

  private static boolean integer(String type) {
    return switch (type.toLowerCase(Locale.ROOT)) {
      case "32", "u32", "64", "u64" -> true;
      default -> false;
    };
  }

  private static String perSecond(String units) {
    return units == null || units.isEmpty() || units.equals("none") ? "/ sec"
        : units + " / sec";
  }

  private static double number(String text) throws QueryException {
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new QueryException("Series values' Type extract fail, unsupported type\n");
    }
  }

  private static String exponent(double value) {
    return String.format(Locale.ROOT, "%e", value);
  }

  /**
   * (older - newer) / (older's time - newer's time) in seconds, as pmproxy computes it between
   * each time and the one before it in window order, for each instance at both, stamped at the
   * second; a single time is returned as it is.
   */
  private static List<Sample> rate(List<Sample> samples) throws QueryException {
    if (samples.size() < 2) {
      return samples;
    }
    List<Sample> out = new ArrayList<>();
    for (int j = 1; j < samples.size(); j++) {
      Sample before = samples.get(j - 1);
      Sample now = samples.get(j);
      Map<String, String> previous = byInstance(before);
      // whole microseconds apart first: epoch seconds as doubles lose the last digit
      double seconds = (micros(before.nanos()) - micros(now.nanos())) / 1e6;
      List<Value> values = new ArrayList<>();
      for (Value v : now.values()) {
        String old = previous.get(String.valueOf(v.instance()));
        if (old != null) {
          double rate = (number(old) - number(v.text())) / seconds;
          values.add(new Value(now.nanos(), v.instance(),
              String.format(Locale.ROOT, "%.6f", rate)));
        }
      }
      out.add(new Sample(now.nanos(), values));
    }
    return out;
  }

  /** Time as pmproxy keeps it: in microseconds. */
  private static long micros(long nanos) {
    return Math.floorDiv(nanos, 1000L);
  }

  private static Map<String, String> byInstance(Sample sample) {
    Map<String, String> values = new LinkedHashMap<>();
    for (Value v : sample.values()) {
      values.put(String.valueOf(v.instance()), v.text());
    }
    return values;
  }

  private static List<Sample> perValue(String f, String type, List<Sample> samples,
      String base) throws QueryException {
    double logBase = base == null ? Double.NaN : number(base);
    boolean keepsType = !f.equals("sqrt") && !f.equals("log");
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      List<Value> values = new ArrayList<>();
      for (Value v : s.values()) {
        // pmproxy reads a value in its metric's type: a float's text as a float
        double x = type.equalsIgnoreCase("float") ? (float) number(v.text()) : number(v.text());
        double y = switch (f) {
          case "abs" -> Math.abs(x);
          case "floor" -> Math.floor(x);
          case "round" -> Math.signum(x) * Math.floor(Math.abs(x) + 0.5);
          case "sqrt" -> Math.sqrt(x);
          default -> base == null ? Math.log(x) : Math.log(x) / Math.log(logBase);
        };
        String text = keepsType && integer(type) ? Long.toString((long) y) : exponent(y);
        values.add(new Value(v.nanos(), v.instance(), text));
      }
      out.add(new Sample(s.nanos(), values));
    }
    return out;
  }

  /** Per instance, the first value that is the largest (smallest), with its own time. */
  private static List<Sample> extremePerInstance(List<Sample> samples, boolean max)
      throws QueryException {
    Map<String, Value> chosen = new LinkedHashMap<>();
    Map<String, Double> best = new LinkedHashMap<>();
    for (Sample s : samples) {
      for (Value v : s.values()) {
        String key = String.valueOf(v.instance());
        double x = number(v.text());
        Double b = best.get(key);
        if (b == null || (max ? x > b : x < b)) {
          best.put(key, x);
          chosen.put(key, v);
        }
      }
    }
    return chosen.isEmpty() ? List.of()
        : List.of(new Sample(samples.get(0).nanos(), List.copyOf(chosen.values())));
  }

  /** Per time, the first instance whose value is the largest (smallest). */
  private static List<Sample> extremePerSample(List<Sample> samples, boolean max)
      throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      Value chosen = null;
      double best = 0;
      for (Value v : s.values()) {
        double x = number(v.text());
        if (chosen == null || (max ? x > best : x < best)) {
          chosen = v;
          best = x;
        }
      }
      if (chosen != null) {
        out.add(new Sample(s.nanos(), List.of(chosen)));
      }
    }
    return out;
  }

  /** Per instance over time: sum, mean or population deviation, at the first time. */
  private static List<Sample> statPerInstance(String f, List<Sample> samples)
      throws QueryException {
    Map<String, List<Double>> series = new LinkedHashMap<>();
    Map<String, String> instances = new LinkedHashMap<>();
    for (Sample s : samples) {
      for (Value v : s.values()) {
        String key = String.valueOf(v.instance());
        series.computeIfAbsent(key, k -> new ArrayList<>()).add(number(v.text()));
        instances.putIfAbsent(key, v.instance());
      }
    }
    if (series.isEmpty()) {
      return List.of();
    }
    long first = samples.get(0).nanos();
    List<Value> values = new ArrayList<>();
    series.forEach((key, xs) -> values.add(new Value(first, instances.get(key),
        exponent(statistic(f, xs)))));
    return List.of(new Sample(first, values));
  }

  /** Per time over its instances: sum, mean or population deviation, with no instance. */
  private static List<Sample> statPerSample(String f, List<Sample> samples)
      throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      List<Double> xs = new ArrayList<>();
      for (Value v : s.values()) {
        xs.add(number(v.text()));
      }
      if (!xs.isEmpty()) {
        out.add(new Sample(s.nanos(), List.of(new Value(s.nanos(), "",
            exponent(statistic(f, xs))))));
      }
    }
    return out;
  }

  private static double statistic(String f, List<Double> xs) {
    double sum = 0;
    for (double x : xs) {
      sum += x;
    }
    if (f.startsWith("sum")) {
      return sum;
    }
    double mean = sum / xs.size();
    if (f.startsWith("avg")) {
      return mean;
    }
    double squares = 0;
    for (double x : xs) {
      squares += (x - mean) * (x - mean);
    }
    return Math.sqrt(squares / xs.size());
  }
}
