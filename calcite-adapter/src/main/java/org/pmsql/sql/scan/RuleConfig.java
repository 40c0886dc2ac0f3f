package org.pmsql.sql.scan;

import java.util.function.Function;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.tools.RelBuilderFactory;

/**
 * A rule configuration made in code, without the annotation processor Calcite's own rules use:
 * the operands a rule matches, its description, and how the rule is made from it.
 */
public record RuleConfig(RelRule.OperandTransform operandSupplier, String description,
    Function<RuleConfig, RelOptRule> factory, RelBuilderFactory relBuilderFactory)
    implements RelRule.Config {
  public RuleConfig(RelRule.OperandTransform operands, String description,
      Function<RuleConfig, RelOptRule> factory) {
    this(operands, description, factory, RelFactories.LOGICAL_BUILDER);
  }

  @Override
  public RelOptRule toRule() {
    return factory.apply(this);
  }

  @Override
  public RuleConfig withRelBuilderFactory(RelBuilderFactory f) {
    return new RuleConfig(operandSupplier, description, factory, f);
  }

  @Override
  public RuleConfig withDescription(String d) {
    return new RuleConfig(operandSupplier, d, factory, relBuilderFactory);
  }

  @Override
  public RuleConfig withOperandSupplier(RelRule.OperandTransform t) {
    return new RuleConfig(t, description, factory, relBuilderFactory);
  }
}
