package org.pmsql.archive.values;

import java.util.Collection;
import java.util.List;
import org.pmsql.archive.format.MetricDesc;
import org.pmsql.archive.format.PmTypes;

/**
 * Values chosen by metric (exact names or name prefixes; neither: all) and instance (numbers or
 * names; neither: all). A metric's values carry the name PCP tools report (its first), unless
 * it was asked for by another of its names, then that one, so that a filter on an alias keeps
 * them. Null collections choose everything.
 */
public record ValueSelection(Collection<String> metrics, Collection<String> prefixes,
    Collection<Integer> insts, Collection<String> instances) implements ValueFilter {

  @Override
  public String reportedName(MetricDesc desc) {
    List<String> names = desc.names().isEmpty() ? List.of(desc.name()) : desc.names();
    if (metrics == null && prefixes == null) {
      return names.get(0);
    }
    for (String name : names) {
      if (metrics != null && metrics.contains(name)) {
        return name;
      }
    }
    if (prefixes != null) {
      for (String name : names) {
        for (String p : prefixes) {
          if (name.startsWith(p)) {
            return name;
          }
        }
      }
    }
    return null;
  }

  @Override
  public boolean restrictsInstances() {
    return insts != null || instances != null;
  }

  @Override
  public boolean wantsInstance(ValueCursor at) {
    int inst = at.inst();
    if (insts != null && !insts.contains(inst)) {
      return false;
    }
    if (instances != null) {
      String name = inst == PmTypes.IN_NULL ? null : at.instanceName();
      return name != null && instances.contains(name);
    }
    return true;
  }
}
