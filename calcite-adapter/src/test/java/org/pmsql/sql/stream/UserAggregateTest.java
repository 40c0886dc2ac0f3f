package org.pmsql.sql.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;
import org.junit.jupiter.api.Test;
import org.pmsql.sql.function.Percentiles;
import org.pmsql.sql.function.TimeSeriesAggregates;

/**
 * pmsql's aggregates as a stream window calls them, one to four arguments taken from a row's
 * columns: the answers the counter aggregates' hand-checked series gives (10 at 0 s, 15 at 1 s,
 * 3 at 2 s, 8 at 3 s), rows given out of order.
 */
class UserAggregateTest {
  // columns: val, ts_ns, start_ns, end_ns, seconds
  private static final Object[][] ROWS = {
    {8.0, 3_000_000_000L, -500_000_000L, 3_500_000_000L, 2.0},
    {10.0, 0L, -500_000_000L, 3_500_000_000L, 2.0},
    {3.0, 2_000_000_000L, -500_000_000L, 3_500_000_000L, 2.0},
    {15.0, 1_000_000_000L, -500_000_000L, 3_500_000_000L, 2.0},
  };

  private static Object over(Class<?> function, Integer... columns) {
    UserAggregate aggregate = UserAggregate.of(
        (AggregateFunctionImpl) AggregateFunctionImpl.create(function), List.of(columns));
    Object accumulator = aggregate.init();
    for (Object[] row : ROWS) {
      accumulator = aggregate.add(accumulator, row);
    }
    return aggregate.result(accumulator);
  }

  @Test
  void everyArityGivesTheSeriesAnswer() {
    assertEquals(9.0, over(Percentiles.Median.class, 0));
    assertEquals(-2.0, over(TimeSeriesAggregates.Delta.class, 0, 1));
    // least squares through (0,10) (1,15) (2,3) (3,8): covariance -9 over variance 5, a slope
    // of -1.8, the line at 6.3 at the last sample and 2.7 two seconds later
    assertEquals(-1.8, (Double) over(TimeSeriesAggregates.Deriv.class, 0, 1), 1e-12);
    assertEquals(2.7, (Double) over(TimeSeriesAggregates.PredictLinear.class, 0, 1, 4), 1e-12);
    // PromQL's delta extrapolated half a second at each end: -2 * 4 / 3
    assertEquals(-8.0 / 3, (Double) over(TimeSeriesAggregates.DeltaInWindow.class, 0, 1, 2, 3),
        1e-12);
  }
}
