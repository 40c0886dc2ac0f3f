package org.pmsql.pmseries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QueryParserTest {
  @Test
  void readsNamesQualifiersAndTimeWindows() throws QueryException {
    Expression.Selection s = (Expression.Selection) QueryParser.parse(
        "kernel.all.load{hostname==\"bozo\", instance.name ~~ \"1*\" || l.role:\"t*\"}"
            + "[start: \"-1 hour\", finish:1514813891.6, interval:\"5min\", samples:3]");
    assertEquals("kernel.all.load", s.metricGlob());
    Qualifier.Or or = assertInstanceOf(Qualifier.Or.class, s.qualifier());
    Qualifier.And and = assertInstanceOf(Qualifier.And.class, or.left());
    assertEquals(new Qualifier.Compare(Qualifier.Subject.LABEL, "hostname", "==", "bozo", true),
        and.left());
    assertEquals(new Qualifier.Compare(Qualifier.Subject.INSTANCE, null, "~~", "1*", true),
        and.right());
    assertEquals(new Qualifier.Compare(Qualifier.Subject.LABEL, "role", "~~", "t*", true),
        or.right());
    assertEquals(new TimeSpec("-1 hour", "1514813891.6", "5min", null, "3", null, null, null),
        s.time());
  }

  @Test
  void readsFunctionsArithmeticGlobsAndBareRanges() throws QueryException {
    Expression e = QueryParser.parse("rescale(rate(disk.dev.read[10min]), \"count/min\")"
        + " + kernel.all.load * kernel.*.load");
    Expression.Arithmetic plus = assertInstanceOf(Expression.Arithmetic.class, e);
    Expression.Call rescale = assertInstanceOf(Expression.Call.class, plus.left());
    assertEquals("\"count/min\"", rescale.text(), "as typed, for the expression's id");
    Expression.Call rate = assertInstanceOf(Expression.Call.class, rescale.arguments().get(0));
    assertEquals("10min", ((Expression.Selection) rate.arguments().get(0)).time().range());
    assertEquals('*', ((Expression.Arithmetic) plus.right()).op());
    assertEquals("kernel.*.load",
        ((Expression.Selection) ((Expression.Arithmetic) plus.right()).right()).metricGlob());
    assertEquals("10min", e.time().range());
    assertNull(QueryParser.parse("{hostname==\"a\"}").time());
  }

  @Test
  void refusesWhatItCannotReadWithTheOffset() {
    for (String bad : new String[] {"", "kernel.all.load{", "kernel.all.load{hostname=\"a\"}",
        "kernel.all.load[", "1abc", "kernel.all.load{instance.number==1}", "a{b==\"c}",
        "f(a, b", "a[unknown:1]", "a b", "*", "2 a"}) {
      QueryException e = assertThrows(QueryException.class, () -> QueryParser.parse(bad), bad);
      assertTrue(e.getMessage().length() > 10 && !e.getMessage().contains("\n"), e.getMessage());
    }
  }

  @Test
  void boundsLengthAndNesting() {
    assertThrows(QueryException.class,
        () -> QueryParser.parse("a".repeat(QueryParser.MAX_LENGTH + 1)));
    QueryException deep = assertThrows(QueryException.class,
        () -> QueryParser.parse("(".repeat(10_000) + "a" + ")".repeat(10_000)));
    assertTrue(deep.getMessage().contains("nested"), deep.getMessage());
    QueryException deepQualifiers = assertThrows(QueryException.class,
        () -> QueryParser.parse("a{" + "(".repeat(10_000) + "b==1" + ")".repeat(10_000) + "}"));
    assertTrue(deepQualifiers.getMessage().contains("nested"), deepQualifiers.getMessage());
  }
}
