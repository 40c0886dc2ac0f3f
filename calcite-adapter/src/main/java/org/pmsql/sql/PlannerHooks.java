package org.pmsql.sql;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.runtime.Hook;
import org.apache.calcite.tools.Program;
import org.apache.calcite.util.Holder;

/** What every pmsql connection adds to Calcite's planning, local or federated. */
final class PlannerHooks {
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private PlannerHooks() {}

  static void install() {
    if (!INSTALLED.compareAndSet(false, true)) {
      return;
    }
    // Stream tables are planned by Calcite's own stream rules, not through a scan of ours that
    // could register rules, so the streaming aggregate joins every planner; it only ever
    // matches a pmsql live stream.
    // So does moving filters into UNION ALL branches and folding constants, which lets a
    // predicate on pcp_all.metrics' host column drop whole hosts, and a time predicate drop
    // the servers of a federated host whose time spans it excludes, before anything is read.
    Hook.PLANNER.add((Consumer<RelOptPlanner>) planner -> {
      planner.addRule(PcpRules.STREAM_AGGREGATE);
      planner.addRule(CoreRules.FILTER_SET_OP_TRANSPOSE);
      planner.addRule(CoreRules.FILTER_REDUCE_EXPRESSIONS);
      // and an aggregate over UNION ALL is computed per branch first: per host, or per server
      // of a federated host (where the JDBC adapter then sends it to the server as SQL)
      planner.addRule(CoreRules.AGGREGATE_UNION_TRANSPOSE);
      // ASOF joins run as pmsql's merge: Calcite's pairs each row with the wrong match
      planner.removeRule(EnumerableRules.ENUMERABLE_ASOFJOIN_RULE);
      planner.addRule(PcpRules.ASOF_JOIN);
    });
    // GROUP BY TUMBLE needs a rewrite before planning; the same holds for any Calcite query.
    Hook.PROGRAM.add((Consumer<Holder<Program>>) program -> {
      if (program.get() == null) {
        program.set(TumbleRewrite.PROGRAM);
      }
    });
  }
}
