package org.pmsql.sql.function;

import com.tdunning.math.stats.MergingDigest;
import java.util.Arrays;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;

/**
 * Percentiles of a group's values, NULLs left out, NULL for a group without values:
 * <ul>
 * <li>{@code quantile_cont(x, f)}, {@code quantile_disc(x, f)}: exact, as DuckDB names them and
 *     as {@code PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x)} and {@code PERCENTILE_DISC}
 *     compute ({@link WithinGroupRule} turns those into these): continuous interpolates
 *     linearly between the two values around position f·(n−1); discrete is the first value
 *     whose position in the order reaches the fraction f;
 * <li>{@code median(x)}: {@code quantile_cont(x, 0.5)};
 * <li>{@code approx_percentile(x, f)}: from a t-digest (compression 100) of the values, in
 *     memory that does not grow with the group, and mergeable.
 * </ul>
 * Exact percentiles hold a group's values (8 bytes each) until the group ends.
 */
public final class Percentiles {
  /** The t-digest's compression: about 1% rank error in the middle, less in the tails. */
  static final double COMPRESSION = 100;

  private Percentiles() {}

  public static void register(SchemaPlus root) {
    root.add("quantile_cont", AggregateFunctionImpl.create(QuantileCont.class));
    root.add("quantile_disc", AggregateFunctionImpl.create(QuantileDisc.class));
    root.add("median", AggregateFunctionImpl.create(Median.class));
    root.add("approx_percentile", AggregateFunctionImpl.create(ApproxPercentile.class));
  }

  /** A group's values and the fraction asked for. */
  public static final class Values {
    private double[] values = new double[16];
    private int size;
    private double fraction = Double.NaN;

    Values add(Double value, double fraction) {
      this.fraction = checked(fraction);
      if (value != null) {
        if (size == values.length) {
          values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
      }
      return this;
    }

    Double continuous() {
      if (size == 0) {
        return null;
      }
      Arrays.sort(values, 0, size);
      double position = fraction * (size - 1);
      int below = (int) Math.floor(position);
      int above = (int) Math.ceil(position);
      return values[below] + (position - below) * (values[above] - values[below]);
    }

    Double discrete() {
      if (size == 0) {
        return null;
      }
      Arrays.sort(values, 0, size);
      return values[Math.max(0, (int) Math.ceil(fraction * size) - 1)];
    }

    /** The discrete percentile of the values in descending order. */
    Double discreteDescending() {
      if (size == 0) {
        return null;
      }
      Arrays.sort(values, 0, size);
      return values[size - Math.max(1, (int) Math.ceil(fraction * size))];
    }
  }

  private static double checked(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("a percentile's fraction is between 0 and 1, not "
          + fraction);
    }
    return fraction;
  }

  /** The accumulation of the exact percentiles: (x DOUBLE, f DOUBLE). */
  public abstract static class Exact {
    public Values init() {
      return new Values();
    }

    public Values add(Values values, Double value, double fraction) {
      return values.add(value, fraction);
    }
  }

  /** quantile_cont(x, f). */
  public static final class QuantileCont extends Exact {
    public Double result(Values values) {
      return values.continuous();
    }
  }

  /** quantile_disc(x, f). */
  public static final class QuantileDisc extends Exact {
    public Double result(Values values) {
      return values.discrete();
    }
  }

  /** PERCENTILE_DISC(f) WITHIN GROUP (ORDER BY x DESC); it has no name of its own. */
  public static final class QuantileDiscDescending extends Exact {
    public Double result(Values values) {
      return values.discreteDescending();
    }
  }

  /** median(x). */
  public static final class Median {
    public Values init() {
      return new Values();
    }

    public Values add(Values values, Double value) {
      return values.add(value, 0.5);
    }

    public Double result(Values values) {
      return values.continuous();
    }
  }

  /** A t-digest and the fraction asked for. */
  public static final class Digest {
    final MergingDigest digest = new MergingDigest(COMPRESSION);
    double fraction;
  }

  /** approx_percentile(x, f). */
  public static final class ApproxPercentile {
    public Digest init() {
      return new Digest();
    }

    public Digest add(Digest digest, Double value, double fraction) {
      digest.fraction = checked(fraction);
      if (value != null && !value.isNaN()) {
        digest.digest.add(value);
      }
      return digest;
    }

    public Digest merge(Digest a, Digest b) {
      a.digest.add(b.digest);
      return a;
    }

    public Double result(Digest digest) {
      return digest.digest.size() == 0 ? null : digest.digest.quantile(digest.fraction);
    }
  }
}
