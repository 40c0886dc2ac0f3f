package org.pmsql.pmseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The functions where pmproxy 6.0.3 is wrong, so its answers cannot be the oracle. */
class FunctionsTest {
  private static final Functions.Desc DOUBLE_INSTANT =
      new Functions.Desc("double", "instant", "none");

  private static Functions.Sample sample(long seconds, String... instanceAndValue) {
    List<Functions.Value> values = new java.util.ArrayList<>();
    for (int i = 0; i < instanceAndValue.length; i += 2) {
      values.add(new Functions.Value(seconds * 1_000_000_000L, instanceAndValue[i],
          instanceAndValue[i + 1]));
    }
    return new Functions.Sample(seconds * 1_000_000_000L, values);
  }

  private static List<String> texts(List<Functions.Sample> samples) {
    return samples.stream().flatMap(s -> s.values().stream())
        .map(v -> v.instance() + "=" + v.text()).toList();
  }

  @Test
  void roundAndSqrtOfDoublesAreComputed() throws Exception {
    List<Functions.Sample> in = List.of(sample(10, "a", "2.500000e+00", "b", "-2.500000e+00"));
    assertEquals(List.of("a=3.000000e+00", "b=-3.000000e+00"),
        texts(Functions.apply("round", DOUBLE_INSTANT, in, null)), "half away from zero");
    assertEquals(List.of("a=1.581139e+00", "b=nan"),
        texts(Functions.apply("sqrt", DOUBLE_INSTANT, in, null)));
  }

  @Test
  void ratepairsValuesByInstanceNotPosition() throws Exception {
    Functions.Desc counter = new Functions.Desc("u64", "counter", "count");
    List<Functions.Sample> in = List.of(sample(0, "a", "100", "b", "1000"),
        sample(10, "b", "1100", "a", "150"));
    assertEquals(List.of("b=10.000000", "a=5.000000"),
        texts(Functions.apply("rate", counter, in, null)));
    assertEquals("count / sec", Functions.desc("rate", null, "m", "id", counter).units());
    assertEquals("Can't rate convert 'm', counter semantics required\n",
        assertThrows(QueryException.class, () -> Functions.desc("rate", null, "m", "id", DOUBLE_INSTANT))
            .getMessage());
  }

  @Test
  void averagesDivideByTheValuesThereAre() throws Exception {
    List<Functions.Sample> in = List.of(sample(0, "a", "1", "b", "3"), sample(10, "a", "5"));
    assertEquals(List.of("a=3.000000e+00", "b=3.000000e+00"),
        texts(Functions.apply("avg_inst", DOUBLE_INSTANT, in, null)));
    assertEquals(List.of("=2.000000e+00", "=5.000000e+00"),
        texts(Functions.apply("avg_sample", DOUBLE_INSTANT, in, null)));
    assertEquals(List.of("a=2.000000e+00", "b=0.000000e+00"),
        texts(Functions.apply("stdev_inst", DOUBLE_INSTANT, in, null)), "population");
  }

  @Test
  void textIsRefused() {
    assertEquals("Series values' Type extract fail, unsupported type\n",
        assertThrows(QueryException.class, () -> Functions.desc("abs", null, "m", "id",
            new Functions.Desc("string", "discrete", "none"))).getMessage());
  }

  @Test
  void topkAndPercentilesCountValuesOfZeroAndBelowAndStartAfreshPerInstance() throws Exception {
    // pmproxy 6.0.3 never ranks a value <= 0 and carries its buffer from one instance to the
    // next, so it answers a=.7,.7 style leftovers; these are the true k largest
    List<Functions.Sample> in = List.of(sample(0, "a", "-1", "b", "0.75"),
        sample(10, "a", "-3", "b", "0.5"), sample(20, "a", "-2", "b", "0.7"));
    assertEquals(List.of("b=0.75", "a=-1", "b=0.5", "a=-3", "b=0.7", "a=-2"),
        texts(Functions.apply("topk_sample", DOUBLE_INSTANT, in, "2")));
    assertEquals(List.of("a=-1", "a=-2", "b=0.75", "b=0.7"),
        texts(Functions.apply("topk_inst", DOUBLE_INSTANT, in, "2")));
    assertEquals(List.of("a=-2", "b=0.7"),
        texts(Functions.apply("nth_percentile_inst", DOUBLE_INSTANT, in, "50")),
        "rank floor(.5 * 3) = 1 from the smallest");
    assertEquals(List.of("a=-1", "b=0.75"),
        texts(Functions.apply("nth_percentile_inst", DOUBLE_INSTANT, in, "100")));
    assertEquals(List.of("a=-3", "b=0.5"),
        texts(Functions.apply("nth_percentile_inst", DOUBLE_INSTANT, in, "0")));
    assertEquals(List.of("b=0.75", "b=0.5", "b=0.7"),
        texts(Functions.apply("nth_percentile_sample", DOUBLE_INSTANT, in, "50")));
  }

  @Test
  void rescaleConvertsBetweenScalesOfTheSameDimensions() throws Exception {
    Functions.Desc kbytes = new Functions.Desc("u64", "instant", "Kbyte");
    List<Functions.Sample> in = List.of(sample(0, null, "26102192"));
    assertEquals(List.of("null=2.549042e+04"),
        texts(Functions.apply("rescale", kbytes, in, "\"MB\"")));
    assertEquals(new Functions.Desc("u64", "instant", "Mbyte"),
        Functions.desc("rescale", "\"MB\"", "m", "id", kbytes));
    Functions.Desc perSecond = new Functions.Desc("double", "instant", "count / sec");
    assertEquals(List.of("null=1.220002e+02"), texts(Functions.apply("rescale", perSecond,
        List.of(sample(0, null, "2.033337")), "\"count/min\"")));
    assertEquals("Dimensions of units mismatch, for series id the units is Kbyte\n",
        assertThrows(QueryException.class,
            () -> Functions.desc("rescale", "\"sec\"", "m", "id", kbytes)).getMessage());
  }

  @Test
  void unitsAreReadAsLibpcpReadsThem() throws Exception {
    for (String text : List.of("Kbyte", "Kbyte / sec", "count / sec", "count x 10^6",
        "byte^2 / sec", "/ sec", "Mbyte nanosec")) {
      assertEquals(text, UnitsText.parse(text).units().pmUnitsStr(), "pmUnitsStr round trip");
    }
    assertEquals("Mbyte", UnitsText.parse("mb").units().pmUnitsStr());
    assertEquals("count / min", UnitsText.parse("count/minutes").units().pmUnitsStr());
    assertEquals("", UnitsText.parse("none").units().pmUnitsStr());
    assertEquals(new UnitsText.Scaled(new org.pmsql.archive.format.Units(0), 1e-3),
        UnitsText.parse("millisec / sec"), "rate of a time counter: a fraction of time");
    assertEquals(60.0, UnitsText.factor(UnitsText.parse("count / sec"),
        UnitsText.parse("count / min")));
    assertEquals(1.0 / 1024, UnitsText.factor(UnitsText.parse("Kbyte"),
        UnitsText.parse("Mbyte")));
    for (String bad : List.of("furlong", "sec sec", "10 MB", "sec^x", "byte^9")) {
      assertThrows(QueryException.class, () -> UnitsText.parse(bad), bad);
    }
  }

  @Test
  void arithmeticConvertsScalesAndKeepsPmproxysRules() throws Exception {
    Functions.Desc kbytes = new Functions.Desc("u64", "instant", "Kbyte");
    Functions.Desc bytes = new Functions.Desc("u64", "instant", "byte");
    Functions.Arithmetic plus = Functions.Arithmetic.of('+', kbytes, bytes);
    assertEquals(new Functions.Desc("DOUBLE", "instant", "Kbyte"), plus.desc(),
        "pmproxy 6.0.3 says byte, and adds the numbers unconverted");
    assertEquals("3.000000e+00", plus.apply("2", "1024"));
    Functions.Arithmetic same = Functions.Arithmetic.of('-', kbytes, kbytes);
    assertEquals("U64", same.desc().type());
    assertEquals("144", Functions.Arithmetic.of('*', kbytes, kbytes).apply("12", "12"));
    assertEquals("Kbyte^2", Functions.Arithmetic.of('*', kbytes, kbytes).desc().units());
    assertEquals("no value", same.apply("1", "2"), "below zero in an unsigned type");
    Functions.Desc signed = new Functions.Desc("64", "instant", "Kbyte");
    assertEquals("-1", Functions.Arithmetic.of('-', signed, signed).apply("1", "2"));
    Functions.Arithmetic ratio = Functions.Arithmetic.of('/', kbytes, bytes);
    assertEquals(new Functions.Desc("DOUBLE", "instant", ""), ratio.desc());
    assertEquals("2.000000e+00", ratio.apply("2", "1024"));
    Functions.Desc counter = new Functions.Desc("u64", "counter", "count");
    Functions.Desc seconds = new Functions.Desc("double", "instant", "sec");
    assertEquals("Both operands have the semantics of counter, only addition or subtraction"
        + " is allowed.\n", assertThrows(QueryException.class,
            () -> Functions.Arithmetic.of('/', counter, counter)).getMessage());
    assertEquals("counter", Functions.Arithmetic.of('+', counter, counter).desc().semantics());
    assertThrows(QueryException.class, () -> Functions.Arithmetic.of('+', kbytes, seconds),
        "Kbytes and seconds are not added");
    assertEquals("6.586107e+07", texts(Functions.timesConstant(
        List.of(sample(0, null, "32930533")), "2")).get(0).substring(5));
  }
}
