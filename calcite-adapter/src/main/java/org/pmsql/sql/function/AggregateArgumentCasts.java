package org.pmsql.sql.function;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.sql.validate.SqlUserDefinedAggFunction;
import org.apache.calcite.tools.RelBuilder;
import org.pmsql.sql.scan.RuleConfig;

/**
 * Gives pmsql's aggregates their arguments in the types their code takes: Calcite validates
 * {@code quantile_cont(val, 0.9)} (a DECIMAL literal for a DOUBLE parameter) and
 * {@code counter_rate(val, inst)} but passes the values on unconverted, and the generated code
 * then does not compile. Each mismatched argument is cast in a projection below the aggregate.
 * Applied to the logical plan before Calcite's own optimisation.
 */
public final class AggregateArgumentCasts extends RelRule<RuleConfig> {
  public static final RelOptRule RULE = new RuleConfig(
      b -> b.operand(LogicalAggregate.class).predicate(AggregateArgumentCasts::needsCasts)
          .anyInputs(),
      "PcpAggregateArgumentCasts", AggregateArgumentCasts::new).toRule();

  private AggregateArgumentCasts(RuleConfig config) {
    super(config);
  }

  private static boolean needsCasts(LogicalAggregate aggregate) {
    return aggregate.getAggCallList().stream().anyMatch(c -> mismatched(aggregate, c));
  }

  private static boolean mismatched(LogicalAggregate aggregate, AggregateCall call) {
    List<RelDataType> wanted = parameterTypes(aggregate, call);
    for (int i = 0; i < wanted.size(); i++) {
      if (wanted.get(i) != null && wanted.get(i).getSqlTypeName() != argumentType(aggregate,
          call, i).getSqlTypeName()) {
        return true;
      }
    }
    return false;
  }

  private static RelDataType argumentType(LogicalAggregate aggregate, AggregateCall call, int i) {
    return aggregate.getInput().getRowType().getFieldList().get(call.getArgList().get(i))
        .getType();
  }

  /** The SQL types of a pmsql aggregate's parameters (null where any will do), else none. */
  private static List<RelDataType> parameterTypes(LogicalAggregate aggregate,
      AggregateCall call) {
    if (!(call.getAggregation() instanceof SqlUserDefinedAggFunction udaf)) {
      return List.of();
    }
    RelDataTypeFactory types = aggregate.getCluster().getTypeFactory();
    List<RelDataType> wanted = new ArrayList<>();
    List<FunctionParameter> parameters = udaf.function.getParameters();
    for (int i = 0; i < parameters.size() && i < call.getArgList().size(); i++) {
      RelDataType type = JavaTypeFactoryImpl.toSql(types, parameters.get(i).getType(types));
      wanted.add(type.getSqlTypeName().getFamily() == null ? null : type);
    }
    return wanted;
  }

  @Override
  public void onMatch(RelOptRuleCall call) {
    LogicalAggregate aggregate = call.rel(0);
    RelBuilder builder = call.builder();
    RelDataTypeFactory types = aggregate.getCluster().getTypeFactory();
    builder.push(aggregate.getInput());
    List<RexNode> inputs = new ArrayList<>(builder.fields());
    List<AggregateCall> calls = new ArrayList<>();
    for (AggregateCall c : aggregate.getAggCallList()) {
      List<RelDataType> wanted = parameterTypes(aggregate, c);
      List<Integer> arguments = new ArrayList<>(c.getArgList());
      for (int i = 0; i < wanted.size(); i++) {
        RelDataType given = argumentType(aggregate, c, i);
        if (wanted.get(i) != null && wanted.get(i).getSqlTypeName() != given.getSqlTypeName()) {
          inputs.add(builder.getRexBuilder().makeCast(types.createTypeWithNullability(
              wanted.get(i), given.isNullable()), builder.field(arguments.get(i))));
          arguments.set(i, inputs.size() - 1);
        }
      }
      calls.add(c.withArgList(arguments));
    }
    builder.project(inputs);
    builder.aggregate(builder.groupKey(aggregate.getGroupSet(), aggregate.getGroupSets()),
        calls);
    call.transformTo(builder.build());
  }
}
