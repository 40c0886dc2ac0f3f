package org.pmsql.sql;

import java.lang.reflect.Type;
import java.util.List;
import java.util.stream.Stream;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.interpreter.BindableConvention;
import org.apache.calcite.jdbc.CalcitePrepare;
import org.apache.calcite.plan.RelOptCostFactory;
import org.apache.calcite.plan.RelOptListener;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.prepare.CalcitePrepareImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.ProxyingMetadataHandlerProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;
import org.pmsql.sql.asof.AsofJoinRule;
import org.pmsql.sql.function.AggregateArgumentCasts;
import org.pmsql.sql.function.WithinGroupRule;
import org.pmsql.sql.scan.ScanRules;
import org.pmsql.sql.stream.HopRewrite;
import org.pmsql.sql.stream.StreamAggregateRule;
import org.pmsql.sql.stream.TumbleRewrite;

/**
 * How a pmsql connection prepares a statement: Calcite's preparation with pmsql's planner rules
 * and optimisation program. A connection holds it (the driver's prepare factory), so a host
 * application's own Calcite queries in the same JVM are planned as Calcite plans them.
 */
public class PcpPrepare extends CalcitePrepareImpl {
  /**
   * The rules every planner of a pmsql connection adds: the push-down into archive scans, the
   * streaming aggregate (only ever matching a pmsql live stream), ASOF joins as pmsql's merge
   * (Calcite's pairs rows with the wrong match), filters moved into UNION ALL branches and
   * constants folded (a predicate on pcp_all.metrics' host column, or a time predicate on a
   * federated host, drops whole branches before anything is read), and aggregates over UNION
   * ALL computed per branch first (per host, or per server, where the JDBC adapter sends them
   * as SQL).
   */
  static final List<RelOptRule> RULES = Stream.concat(ScanRules.RULES.stream(),
      Stream.of(StreamAggregateRule.INSTANCE, AsofJoinRule.INSTANCE,
          CoreRules.FILTER_SET_OP_TRANSPOSE, CoreRules.FILTER_REDUCE_EXPRESSIONS,
          CoreRules.AGGREGATE_UNION_TRANSPOSE)).toList();

  /**
   * The session zone's reading of timestamp literals, then the rewrites GROUP BY TUMBLE and HOP
   * and PERCENTILE_CONT/DISC need and the casts pmsql's aggregates need of their arguments,
   * then Calcite's standard optimisation.
   */
  static final Program PROGRAM = Programs.sequence(SessionZoneLiterals.INSTANCE,
      Programs.hep(List.of(TumbleRewrite.RULE, HopRewrite.RULE, WithinGroupRule.RULE,
          AggregateArgumentCasts.RULE), true,
          DefaultRelMetadataProvider.INSTANCE),
      Programs.standard());

  // The planner's own Context is spelled out: inside a CalcitePrepare, Context means the prepare's.
  @Override
  protected RelOptPlanner createPlanner(CalcitePrepare.Context prepareContext,
      org.apache.calcite.plan.Context externalContext, RelOptCostFactory costFactory) {
    RelOptPlanner planner = super.createPlanner(prepareContext, externalContext, costFactory);
    planner.removeRule(EnumerableRules.ENUMERABLE_ASOFJOIN_RULE);
    RULES.forEach(planner::addRule);
    RelOptListener deadline = PlanningDeadline.listenerForThisThread();
    if (deadline != null) {
      planner.addListener(deadline);
    }
    return planner;
  }

  /** Calcite's preparing statement, as Calcite makes it, optimising with {@link #PROGRAM}. */
  @Override
  protected CalcitePreparingStmt getPreparingStmt(CalcitePrepare.Context context,
      Type elementType, CalciteCatalogReader catalogReader, RelOptPlanner planner) {
    JavaTypeFactory typeFactory = context.getTypeFactory();
    EnumerableRel.Prefer prefer = elementType == Object[].class ? EnumerableRel.Prefer.ARRAY
        : EnumerableRel.Prefer.CUSTOM;
    RelOptCluster cluster = createCluster(planner, new RexBuilder(typeFactory));
    // metadata answered through proxies, not handler classes Janino compiles in each new JVM:
    // a command line's first query 0.3 s sooner, later ones no slower
    cluster.setMetadataQuerySupplier(() -> new RelMetadataQuery(
        new ProxyingMetadataHandlerProvider(DefaultRelMetadataProvider.INSTANCE)));
    return new CalcitePreparingStmt(this, context, catalogReader, typeFactory,
        context.getRootSchema(), prefer, cluster,
        enableBindable ? BindableConvention.INSTANCE : EnumerableConvention.INSTANCE,
        createConvertletTable()) {
      @Override
      protected Program getProgram() {
        return PROGRAM;
      }
    };
  }
}
