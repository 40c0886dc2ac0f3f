package org.pmsql.archive.format;

import java.util.List;

/**
 * A metric descriptor from a TYPE_DESC record: the names it carries are the archive's whole
 * namespace for that pmID.
 */
public record MetricDesc(int pmid, int type, int indom, int semantics, Units units,
    List<String> names) {

  /** The name PCP tools print for the metric: its first name, or the pmID when it has none. */
  public String name() {
    return names.isEmpty() ? PmTypes.pmidString(pmid) : names.get(0);
  }

  public boolean singular() {
    return indom == PmTypes.INDOM_NULL;
  }
}
