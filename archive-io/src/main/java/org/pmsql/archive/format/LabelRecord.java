package org.pmsql.archive.format;

import java.util.List;

/**
 * A label record (v2 type 3, v3 type 7): JSON label sets for a context, domain, indom, cluster,
 * item or the instances of an indom. A newer record of the same type and ident supersedes it.
 */
public record LabelRecord(long stampNanos, int labelType, int ident, List<Set> sets) {
  public static final int CONTEXT = 1;
  public static final int DOMAIN = 2;
  public static final int INDOM = 4;
  public static final int CLUSTER = 8;
  public static final int ITEM = 16;
  public static final int INSTANCES = 32;

  /** PCP's flag on a label that does not identify what it labels (pmLabel's PM_LABEL_OPTIONAL). */
  public static final int OPTIONAL = 1 << 7;

  /**
   * One label set: the instance it belongs to (-1 when none), its JSON text, and its labels in
   * the order PCP indexed them (by name), each value as its JSON text.
   */
  public record Set(int inst, String json, List<Entry> entries) {}

  /** One label of a set: its name, its value as JSON text, and PCP's flags for it. */
  public record Entry(String name, String value, int flags) {
    public boolean optional() {
      return (flags & OPTIONAL) != 0;
    }
  }
}
