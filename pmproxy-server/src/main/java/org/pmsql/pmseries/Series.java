package org.pmsql.pmseries;

import java.util.List;
import java.util.Map;

/**
 * One series as pmseries knows it: its id, host (the SQL schema its values are in), source,
 * metric name and descriptor, labels (JSON text, and each label's value as JSON text), and
 * its instances (none for a singular metric).
 */
public record Series(String id, String host, String source, String metric, String pmid,
    String indom, String semantics, String type, String units, String labelsJson,
    Map<String, String> labels, List<Instance> instances) {

  /** An instance of a series: its id, number, name and labels. */
  public record Instance(String id, int inst, String name, String labelsJson,
      Map<String, String> labels) {}

  public boolean counter() {
    return semantics.equals("counter");
  }
}
