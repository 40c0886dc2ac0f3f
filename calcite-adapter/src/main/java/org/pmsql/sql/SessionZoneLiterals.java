package org.pmsql.sql;

import com.google.common.collect.Range;
import com.google.common.collect.TreeRangeSet;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.calcite.config.CalciteConnectionConfig;
import org.apache.calcite.plan.RelOptLattice;
import org.apache.calcite.plan.RelOptMaterialization;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.Program;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Timestamps in pmsql are instants, held as UTC: this reads the date-times a query writes
 * without a zone ({@code TIMESTAMP '2018-01-01 15:00:00'}, {@code ts > '2018-01-01 15:00'},
 * {@code DATE '2018-01-01'} compared with ts) on the wall clock of the connection's
 * {@code timeZone}, and text with an offset ({@code '2018-01-01T15:00:00Z'}) as the instant it
 * names. Text that is no timestamp fails planning with a message naming it. Views pmsql
 * defines hold no timestamp literals (they bound time with ts_ns), so only the query's own
 * literals are read here.
 */
final class SessionZoneLiterals implements Program {
  static final Program INSTANCE = new SessionZoneLiterals();

  private SessionZoneLiterals() {}

  @Override
  public RelNode run(RelOptPlanner planner, RelNode rel, RelTraitSet requiredOutputTraits,
      List<RelOptMaterialization> materializations, List<RelOptLattice> lattices) {
    CalciteConnectionConfig config = planner.getContext().unwrap(CalciteConnectionConfig.class);
    ZoneId zone = config == null || config.timeZone() == null ? ZoneOffset.UTC
        : ZoneId.of(config.timeZone());
    RexShuttle literals = new Literals(rel.getCluster().getRexBuilder(), zone);
    return rel.accept(new RelHomogeneousShuttle() {
      @Override
      public RelNode visit(RelNode other) {
        return super.visit(other).accept(literals);
      }
    });
  }

  private static final class Literals extends RexShuttle {
    private final RexBuilder rex;
    private final ZoneId zone;
    private final boolean utc;

    Literals(RexBuilder rex, ZoneId zone) {
      this.rex = rex;
      this.zone = zone;
      this.utc = zone.normalized().equals(ZoneOffset.UTC);
    }

    @Override
    public RexNode visitLiteral(RexLiteral literal) {
      if (utc || literal.isNull()) {
        return literal;
      }
      if (literal.getTypeName() == SqlTypeName.TIMESTAMP) {
        return instant(instantOf(literal.getValueAs(TimestampString.class)), literal);
      }
      if (literal.getTypeName() == SqlTypeName.SARG
          && literal.getValueAs(Sarg.class) instanceof Sarg<?> sarg && holdsTimes(sarg)) {
        // BETWEEN, IN and ranges of timestamps, gathered into one search argument
        @SuppressWarnings("unchecked")
        Sarg<TimestampString> times = (Sarg<TimestampString>) sarg;
        TreeRangeSet<TimestampString> moved = TreeRangeSet.create();
        for (Range<TimestampString> r : times.rangeSet.asRanges()) {
          moved.add(moved(r));
        }
        return rex.makeSearchArgumentLiteral(Sarg.of(times.nullAs, moved), literal.getType());
      }
      return literal;
    }

    private static boolean holdsTimes(Sarg<?> sarg) {
      if (sarg.rangeSet.isEmpty()) {
        return false;
      }
      Range<?> span = sarg.rangeSet.span();
      Object endpoint = span.hasLowerBound() ? span.lowerEndpoint()
          : span.hasUpperBound() ? span.upperEndpoint() : null;
      return endpoint instanceof TimestampString;
    }

    private Range<TimestampString> moved(Range<TimestampString> range) {
      if (range.hasLowerBound() && range.hasUpperBound()) {
        return Range.range(shifted(range.lowerEndpoint()), range.lowerBoundType(),
            shifted(range.upperEndpoint()), range.upperBoundType());
      }
      if (range.hasLowerBound()) {
        return Range.downTo(shifted(range.lowerEndpoint()), range.lowerBoundType());
      }
      if (range.hasUpperBound()) {
        return Range.upTo(shifted(range.upperEndpoint()), range.upperBoundType());
      }
      return range;
    }

    private TimestampString shifted(TimestampString wallClock) {
      return TimestampString.fromMillisSinceEpoch(instantOf(wallClock));
    }

    /** The instant a wall-clock time of the session zone names. */
    private long instantOf(TimestampString wallClock) {
      return LocalDateTime.parse(wallClock.toString().replace(' ', 'T'))
          .atZone(zone).toInstant().toEpochMilli();
    }

    @Override
    public RexNode visitCall(RexCall call) {
      if (call.getKind() == SqlKind.CAST
          && call.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP
          && call.getOperands().get(0) instanceof RexLiteral text
          && text.getType().getSqlTypeName().getFamily() == SqlTypeFamily.CHARACTER
          && !text.isNull()) {
        return instant(TimestampText.epochMillis(text.getValueAs(String.class), zone), call);
      }
      return super.visitCall(call);
    }

    private RexNode instant(long millis, RexNode original) {
      return rex.makeLiteral(TimestampString.fromMillisSinceEpoch(millis), original.getType(),
          true);
    }
  }
}
