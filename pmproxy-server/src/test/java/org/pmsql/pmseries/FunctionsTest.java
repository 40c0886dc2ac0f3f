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
    assertEquals(List.of("a=1.581139e+00", "b=NaN"),
        texts(Functions.apply("sqrt", DOUBLE_INSTANT, in, null)));
  }

  @Test
  void ratepairsValuesByInstanceNotPosition() throws Exception {
    Functions.Desc counter = new Functions.Desc("u64", "counter", "count");
    List<Functions.Sample> in = List.of(sample(0, "a", "100", "b", "1000"),
        sample(10, "b", "1100", "a", "150"));
    assertEquals(List.of("b=10.000000", "a=5.000000"),
        texts(Functions.apply("rate", counter, in, null)));
    assertEquals("count / sec", Functions.desc("rate", "m", counter).units());
    assertEquals("Can't rate convert 'm', counter semantics required\n",
        assertThrows(QueryException.class, () -> Functions.desc("rate", "m", DOUBLE_INSTANT))
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
        assertThrows(QueryException.class, () -> Functions.desc("abs", "m",
            new Functions.Desc("string", "discrete", "none"))).getMessage());
  }
}
