package org.pmsql.pmseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorTest {
  private static final Series LOAD = new Series("a", "bozo", "s1", "kernel.all.load", "60.2.0",
      "60.2", "instant", "float", "none", "{\"hostname\":\"bozo\"}",
      Map.of("hostname", "\"bozo\""), List.of(new Series.Instance("i1", 1, "1 minute",
          "{\"hostname\":\"bozo\",\"cpus\":4}", Map.of("hostname", "\"bozo\"", "cpus", "4"))));
  private static final Series READ = new Series("b", "shack", "s2", "disk.dev.read", "60.0.4",
      "60.1", "counter", "u64", "count", "{\"agent\":\"linux\",\"hostname\":\"shack\"}",
      Map.of("agent", "\"linux\"", "hostname", "\"shack\""), List.of(new Series.Instance("i2",
          0, "sda", "{}", Map.of())));
  private static final Map<String, List<String>> SOURCES = Map.of("s1",
      List.of("bozo", "/archives/20180102"), "s2", List.of("shack", "/archives/zeroconf"));

  private static List<String> ids(String expr) throws QueryException {
    return new Selector((Expression.Selection) QueryParser.parse(expr))
        .select(List.of(LOAD, READ), SOURCES).stream().map(Series::id).toList();
  }

  @Test
  void choosesByNameGlobLabelInstanceAndSource() throws QueryException {
    assertEquals(List.of("a"), ids("kernel.all.load"));
    assertEquals(List.of("a", "b"), ids("{metric.name~~\"*\"}"));
    assertEquals(List.of("b"), ids("disk.*"));
    assertEquals(List.of("a"), ids("{hostname==\"bozo\"}"));
    assertEquals(List.of(), ids("{hostname==bozo}"), "unquoted: compared as JSON text");
    assertEquals(List.of("a"), ids("{cpus==4}"), "a number label, by an instance");
    assertEquals(List.of("a"), ids("{cpus>3}"));
    assertEquals(List.of("b"), ids("{hostname!=\"bozo\"}"));
    assertEquals(List.of("a", "b"), ids("{hostname=~\"^(bozo|sha)\"}"));
    assertEquals(List.of("b"), ids("{hostname!~\"bo\"}"));
    assertEquals(List.of("b"), ids("{instance.name==\"sda\"}"));
    assertEquals(List.of("a"), ids("{i.name~~\"1 *\"}"));
    assertEquals(List.of("b"), ids("{source.name==\"/archives/zeroconf\"}"));
    assertEquals(List.of("a"), ids("{metric.name~~\"kernel.[a-z]ll.?oad\"}"));
    assertEquals(List.of("a", "b"), ids("{hostname==\"bozo\" || agent==\"linux\"}"));
    assertEquals(List.of(), ids("{hostname==\"bozo\", agent==\"linux\"}"));
  }

  @Test
  void aCostlyPatternIsRefusedNotRun() {
    Series costly = new Series("c", "h", "s", "a".repeat(30) + "!", "1.0.0", "none", "instant",
        "32", "none", "{}", Map.of(), List.of());
    QueryException e = assertThrows(QueryException.class,
        () -> new Selector((Expression.Selection) QueryParser.parse(
            "{metric.name=~\"(.*a){12}$\"}")).select(List.of(costly), Map.of()));
    assertTrue(e.getMessage().contains("simplify") || e.getMessage().contains("too"),
        e.getMessage());
  }
}
