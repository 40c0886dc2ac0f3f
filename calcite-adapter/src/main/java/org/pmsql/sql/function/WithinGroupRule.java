package org.pmsql.sql.function;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.impl.AggregateFunctionImpl;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedAggFunction;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.Optionality;
import org.pmsql.sql.scan.RuleConfig;

/**
 * Makes {@code PERCENTILE_CONT(f) WITHIN GROUP (ORDER BY x)} and {@code PERCENTILE_DISC} run:
 * Calcite validates them but has no code for them. Each becomes {@link Percentiles}' exact
 * aggregate over x and f as DOUBLE (a descending order reads the fraction from the top), and
 * the result is cast back to the type SQL gives it. Applied to the logical plan before
 * Calcite's own optimisation.
 */
public final class WithinGroupRule extends RelRule<RuleConfig> {
  public static final RelOptRule RULE = new RuleConfig(
      b -> b.operand(LogicalAggregate.class).predicate(WithinGroupRule::hasPercentile)
          .anyInputs(),
      "PcpWithinGroup", WithinGroupRule::new).toRule();

  private static final SqlAggFunction CONT = exact("PERCENTILE_CONT", Percentiles.QuantileCont.class);
  private static final SqlAggFunction DISC = exact("PERCENTILE_DISC", Percentiles.QuantileDisc.class);
  private static final SqlAggFunction DISC_DESCENDING =
      exact("PERCENTILE_DISC", Percentiles.QuantileDiscDescending.class);

  private WithinGroupRule(RuleConfig config) {
    super(config);
  }

  private static SqlAggFunction exact(String name, Class<?> implementation) {
    return new SqlUserDefinedAggFunction(new SqlIdentifier(name, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION, ReturnTypes.DOUBLE_NULLABLE, null, null,
        AggregateFunctionImpl.create(implementation), false, false, Optionality.FORBIDDEN);
  }

  private static boolean hasPercentile(LogicalAggregate aggregate) {
    return aggregate.getAggCallList().stream().anyMatch(WithinGroupRule::isPercentile);
  }

  private static boolean isPercentile(AggregateCall call) {
    return call.getAggregation().getKind() == SqlKind.PERCENTILE_CONT
        || call.getAggregation().getKind() == SqlKind.PERCENTILE_DISC;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    RelBuilder builder = call.builder();
    RexBuilder rex = aggregate.getCluster().getRexBuilder();
    RelDataType doubles = rex.getTypeFactory().createTypeWithNullability(
        rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE), true);
    builder.push(aggregate.getInput());
    List<RexNode> inputs = new ArrayList<>(builder.fields());
    List<AggregateCall> calls = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      if (!isPercentile(c)) {
        calls.add(c);
        continue;
      }
      if (c.collation.getFieldCollations().size() != 1 || c.getArgList().size() != 1) {
        throw new IllegalArgumentException(c.getAggregation().getName() + " takes one fraction"
            + " and orders by one value: PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY val)");
      }
      RelFieldCollation order = c.collation.getFieldCollations().get(0);
      boolean descending = order.direction.isDescending();
      boolean continuous = c.getAggregation().getKind() == SqlKind.PERCENTILE_CONT;
      RexNode fraction = rex.makeCast(doubles, builder.field(c.getArgList().get(0)));
      if (descending && continuous) {
        fraction = rex.makeCall(SqlStdOperatorTable.MINUS,
            rex.makeExactLiteral(BigDecimal.ONE), fraction);
      }
      inputs.add(rex.makeCast(doubles, builder.field(order.getFieldIndex())));
      inputs.add(fraction);
      SqlAggFunction function = continuous ? CONT : descending ? DISC_DESCENDING : DISC;
      calls.add(AggregateCall.create(function, false, false, false, List.of(),
          List.of(inputs.size() - 2, inputs.size() - 1), c.filterArg, null,
          RelCollations.EMPTY, doubles, c.getName()));
    }
    builder.project(inputs);
    builder.aggregate(builder.groupKey(aggregate.getGroupSet(), aggregate.getGroupSets()),
        calls);
    builder.convert(aggregate.getRowType(), false);
    call.transformTo(builder.build());
  }
}
