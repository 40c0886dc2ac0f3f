package org.pmsql.pmseries;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * pmseries' functions of one expression argument, applied as pmproxy applies them to the
 * sampled values of each series the argument selects: per instance over time ({@code _inst},
 * rate), per time over instances ({@code _sample}), or per value (abs, floor, round, sqrt, log,
 * rescale). Values stay pmproxy's texts (integers exact, floating point as C's %e). Where
 * pmproxy 6.0.3 computes wrongly (round and sqrt of doubles, avg_inst over a window its
 * interval thins, instances paired by position, topk and the percentiles ignoring values of
 * zero or less and leaving state from one instance to the next) this computes what the
 * function means.
 */
public final class Functions {
  /** The functions of one argument served. */
  public static final List<String> SERVED = List.of("rate", "abs", "floor", "round", "sqrt",
      "log", "max_inst", "min_inst", "sum_inst", "avg_inst", "stdev_inst", "max_sample",
      "min_sample", "sum_sample", "avg_sample", "stdev_sample", "max", "min", "sum", "avg",
      "rescale", "topk_inst", "topk_sample", "nth_percentile_inst", "nth_percentile_sample");

  /** The functions whose second argument is a whole number: k, or the percentile. */
  public static final List<String> RANKED = List.of("topk_inst", "topk_sample",
      "nth_percentile_inst", "nth_percentile_sample");

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
   * {@code argument}, selecting series {@code seriesId}), or an error as pmproxy words it
   * (rate needs a counter; numbers are needed; rescale keeps dimensions). {@code extra} is the
   * function's constant argument as typed, or null.
   */
  public static Desc desc(String function, String extra, String argument, String seriesId,
      Desc in) throws QueryException {
    String f = canonicalName(function);
    if (!numeric(in.type())) {
      throw new QueryException("Series values' Type extract fail, unsupported type\n");
    }
    return switch (f) {
      case "rescale" -> {
        UnitsText.Scaled target = UnitsText.parse(unquote(extra));
        if (!UnitsText.sameDimensions(UnitsText.parse(in.units()), target)) {
          throw new QueryException("Dimensions of units mismatch, for series " + seriesId
              + " the units is " + in.units() + "\n");
        }
        yield new Desc(in.type(), in.semantics(), target.units().pmUnitsStr());
      }
      case "topk_inst", "topk_sample" -> new Desc("double", "instance", in.units());
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
      case "rescale" -> scaled(samples, UnitsText.factor(UnitsText.parse(in.units()),
          UnitsText.parse(unquote(argument))));
      case "topk_inst" -> topPerInstance(samples, Integer.parseInt(argument));
      case "topk_sample" -> topPerSample(samples, Integer.parseInt(argument));
      case "nth_percentile_inst" -> percentilePerInstance(samples, Integer.parseInt(argument));
      case "nth_percentile_sample" ->
          percentilePerSample(samples, Integer.parseInt(argument));
      case "abs", "floor", "round", "sqrt", "log" -> perValue(f, in.type(), samples, argument);
      case "max_inst", "min_inst" -> extremePerInstance(samples, f.startsWith("max"));
      case "sum_inst", "avg_inst", "stdev_inst" -> statPerInstance(f, samples);
      case "max_sample", "min_sample" -> extremePerSample(samples, f.startsWith("max"));
      case "sum_sample", "avg_sample", "stdev_sample" -> statPerSample(f, samples);
      default -> throw new QueryException(function + "() is not served");
    };
  }

  /**
   * The descriptor of {@code x * constant}: as pmproxy gives it, the argument's, except that a
   * constant with a fraction makes a double of instance semantics.
   */
  public static Desc timesConstantDesc(Desc in, String constant) throws QueryException {
    if (!numeric(in.type())) {
      throw new QueryException("Series values' Type extract fail, unsupported type\n");
    }
    return constant.matches("[0-9]+") ? in : new Desc("double", "instance", in.units());
  }

  /** Every value times the constant, as C's %e (whatever the type), as pmproxy prints it. */
  public static List<Sample> timesConstant(List<Sample> samples, String constant)
      throws QueryException {
    return scaled(samples, number(constant));
  }

  private static List<Sample> scaled(List<Sample> samples, double factor)
      throws QueryException {
    List<Sample> out = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      List<Value> values = new ArrayList<>(s.values().size());
      for (Value v : s.values()) {
        values.add(new Value(v.nanos(), v.instance(), exponent(number(v.text()) * factor)));
      }
      out.add(new Sample(s.nanos(), values));
    }
    return out;
  }

  /**
   * How pmproxy combines two series' values with + - * /: its rules for counters and types,
   * and its errors' words. Unlike pmproxy 6.0.3, which adds Kbytes to bytes (or to seconds)
   * unconverted and calls the result bytes, + and - need the same dimensions and the right
   * side's values are converted to the left's scales first; * and / convert where both sides
   * have a dimension; the result's units are the left's scales, not scale zero.
   */
  public record Arithmetic(char op, Desc desc, double leftFactor, double rightFactor,
      boolean floating, String resultType) {

    public static Arithmetic of(char op, Desc left, Desc right) throws QueryException {
      boolean lc = left.semantics().startsWith("counter");
      boolean rc = right.semantics().startsWith("counter");
      if (lc && rc && (op == '*' || op == '/')) {
        throw new QueryException("Both operands have the semantics of counter, only addition"
            + " or subtraction is allowed.\n");
      }
      if (lc && !rc && (op == '+' || op == '-')) {
        throw new QueryException("Left operand is a counter and the right one is not, only"
            + " multiplication or division is allowed.\n");
      }
      if (!lc && rc && op != '*') {
        throw new QueryException("Left operand is not a counter and the right one is, only"
            + " multiplication is allowed.\n");
      }
      if (!numeric(left.type()) || !numeric(right.type())) {
        throw new QueryException("Series values' Type extract fail, unsupported type\n");
      }
      UnitsText.Scaled l = UnitsText.parse(left.units());
      UnitsText.Scaled r = UnitsText.parse(right.units());
      String units;
      double leftFactor = 1;
      double factor;
      if (op == '+' || op == '-') {
        if (!UnitsText.sameDimensions(l, r)) {
          throw new QueryException("Units of '" + left.units() + "' and '" + right.units()
              + "' have different dimensions; only values of one kind can be "
              + (op == '+' ? "added" : "subtracted") + "\n");
        }
        factor = UnitsText.factor(r, l);
        units = left.units();
      } else {
        leftFactor = l.multiplier();
        factor = UnitsText.factor(r, new UnitsText.Scaled(
            UnitsText.inScalesOf(r.units(), l.units()), 1));
        units = UnitsText.combine(l.units(), r.units(), op == '*' ? 1 : -1).pmUnitsStr();
      }
      String type = resultType(op, left.type(), right.type(),
          factor != 1 || leftFactor != 1);
      String semantics = lc && rc ? "counter"
          : left.semantics().equals("discrete") && right.semantics().equals("discrete")
              ? "discrete" : "instant";
      boolean floating = type.equals("DOUBLE") || type.equals("FLOAT");
      return new Arithmetic(op, new Desc(type, semantics, units), leftFactor, factor,
          floating, type);
    }

    private static String resultType(char op, String left, String right, boolean converted) {
      List<String> types = List.of(left.toUpperCase(Locale.ROOT),
          right.toUpperCase(Locale.ROOT));
      if (converted || op == '/' || types.contains("DOUBLE")) {
        return "DOUBLE";
      }
      for (String t : List.of("FLOAT", "U64", "64", "U32", "32")) {
        if (types.contains(t)) {
          return t;
        }
      }
      return "DOUBLE";
    }

    /**
     * The two values combined, printed as pmproxy prints the result type; "no value" (as
     * pmproxy says) where a whole result does not fit its type, and for division by zero.
     */
    public String apply(String left, String right) throws QueryException {
      if (floating) {
        double a = number(left) * leftFactor;
        double b = number(right) * rightFactor;
        double y = switch (op) {
          case '+' -> a + b;
          case '-' -> a - b;
          case '*' -> a * b;
          default -> b == 0 ? Double.NaN : a / b;
        };
        if (Double.isNaN(y)) {
          return "no value";
        }
        return exponent(resultType.equals("FLOAT") ? (float) y : y);
      }
      BigInteger a = whole(left);
      BigInteger b = whole(right);
      BigInteger y = switch (op) {
        case '+' -> a.add(b);
        case '-' -> a.subtract(b);
        default -> a.multiply(b);
      };
      return fits(y, resultType) ? y.toString() : "no value";
    }

    private static BigInteger whole(String text) throws QueryException {
      try {
        return new BigInteger(text);
      } catch (NumberFormatException e) {
        throw new QueryException("Series values' Type extract fail, unsupported type\n");
      }
    }

    private static boolean fits(BigInteger y, String type) {
      int bits = type.endsWith("64") ? 64 : 32;
      if (type.startsWith("U")) {
        return y.signum() >= 0 && y.bitLength() <= bits;
      }
      return y.bitLength() < bits;
    }
  }

  private static String unquote(String text) throws QueryException {
    if (text == null || text.length() < 2 || !text.startsWith("\"") || !text.endsWith("\"")) {
      throw new QueryException("rescale() takes a series expression and units in quotes, e.g."
          + " rescale(mem.util.used,\"MB\")");
    }
    return text.substring(1, text.length() - 1);
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
    return CNumbers.exponent(value);
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
              CNumbers.sixDecimals(rate)));
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

  /** The values largest first; equal ones in the order given. */
  private static List<Value> descending(List<Value> values) throws QueryException {
    double[] numbers = new double[values.size()];
    Integer[] order = new Integer[values.size()];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = number(values.get(i).text());
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(numbers[b], numbers[a]));
    List<Value> sorted = new ArrayList<>(numbers.length);
    for (Integer i : order) {
      sorted.add(values.get(i));
    }
    return sorted;
  }

  /** Each instance's values over time, instances in the order they first appear. */
  private static Map<String, List<Value>> byInstanceOverTime(List<Sample> samples) {
    Map<String, List<Value>> series = new LinkedHashMap<>();
    for (Sample s : samples) {
      for (Value v : s.values()) {
        series.computeIfAbsent(String.valueOf(v.instance()), k -> new ArrayList<>()).add(v);
      }
    }
    return series;
  }

  /** Per time, its k largest values, largest first. */
  private static List<Sample> topPerSample(List<Sample> samples, int k) throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      List<Value> sorted = descending(s.values());
      out.add(new Sample(s.nanos(), sorted.subList(0, Math.min(k, sorted.size()))));
    }
    return out;
  }

  /** Per instance, its k largest values over time, largest first, each at its own time. */
  private static List<Sample> topPerInstance(List<Sample> samples, int k)
      throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (List<Value> values : byInstanceOverTime(samples).values()) {
      List<Value> sorted = descending(values);
      List<Value> top = sorted.subList(0, Math.min(k, sorted.size()));
      out.add(new Sample(top.get(0).nanos(), top));
    }
    return out;
  }

  /**
   * pmseries' percentile of N values: rank = floor(n/100 * N) counted from the smallest (the
   * largest when the rank is N), the value itself with its time and instance.
   */
  private static Value percentile(List<Value> values, int n) throws QueryException {
    List<Value> sorted = descending(values);
    int rank = (int) (n / 100.0 * sorted.size());
    return sorted.get(rank >= sorted.size() ? 0 : sorted.size() - 1 - rank);
  }

  /** Per time, the percentile over its instances. */
  private static List<Sample> percentilePerSample(List<Sample> samples, int n)
      throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      if (!s.values().isEmpty()) {
        out.add(new Sample(s.nanos(), List.of(percentile(s.values(), n))));
      }
    }
    return out;
  }

  /** Per instance, the percentile over time: one sample holding each instance's. */
  private static List<Sample> percentilePerInstance(List<Sample> samples, int n)
      throws QueryException {
    List<Value> chosen = new ArrayList<>();
    for (List<Value> values : byInstanceOverTime(samples).values()) {
      chosen.add(percentile(values, n));
    }
    return chosen.isEmpty() ? List.of() : List.of(new Sample(samples.get(0).nanos(), chosen));
  }

  /** Per instance over time: sum, mean or population deviation, at the first time. */
  private static List<Sample> statPerInstance(String f, List<Sample> samples)
      throws QueryException {
    Map<String, List<Value>> series = byInstanceOverTime(samples);
    if (series.isEmpty()) {
      return List.of();
    }
    long first = samples.get(0).nanos();
    List<Value> values = new ArrayList<>();
    for (List<Value> overTime : series.values()) {
      values.add(new Value(first, overTime.get(0).instance(),
          exponent(statistic(f, numbers(overTime)))));
    }
    return List.of(new Sample(first, values));
  }

  private static List<Double> numbers(List<Value> values) throws QueryException {
    List<Double> xs = new ArrayList<>(values.size());
    for (Value v : values) {
      xs.add(number(v.text()));
    }
    return xs;
  }

  /** Per time over its instances: sum, mean or population deviation, with no instance. */
  private static List<Sample> statPerSample(String f, List<Sample> samples)
      throws QueryException {
    List<Sample> out = new ArrayList<>();
    for (Sample s : samples) {
      List<Double> xs = numbers(s.values());
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
