package org.pmsql.sql.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.type.SqlTypeName;
import org.pmsql.archive.Archive;
import org.pmsql.archive.ArchiveSet;
import org.pmsql.archive.format.ArchiveMetadata;
import org.pmsql.archive.format.InstanceDomain;
import org.pmsql.archive.format.LabelRecord;
import org.pmsql.archive.format.MetricDesc;

/**
 * {@code <host>.metric_labels}: each metric's labels, and each instance's, merged as PCP merges
 * them (pminfo -l): context, then the metric's domain, instance domain, cluster and item, then
 * the instance, a more specific label replacing a less specific one of the same name. The
 * newest record of each kind counts. The labels are one JSON object, as PCP writes them, in a
 * VARCHAR column every client can read ({@code JSON_VALUE(labels, '$.device_type')}).
 * Instances are those of the domain's latest state.
 */
public final class MergedLabels {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int[] HIERARCHY = {LabelRecord.CONTEXT, LabelRecord.DOMAIN,
      LabelRecord.INDOM, LabelRecord.CLUSTER, LabelRecord.ITEM};

  private MergedLabels() {}

  public static Table table(ArchiveSet set) {
    return new CatalogTables.ListTable(f -> f.builder()
        .add("metric", SqlTypeName.VARCHAR)
        .add("inst", SqlTypeName.INTEGER).nullable(true)
        .add("instance", SqlTypeName.VARCHAR).nullable(true)
        .add("labels", SqlTypeName.VARCHAR)
        .build(), () -> rows(set));
  }

  private static List<Object[]> rows(ArchiveSet set) {
    List<Object[]> rows = new ArrayList<>();
    Map<String, Boolean> done = new HashMap<>();
    List<Archive> archives = set.archives();
    for (int a = archives.size() - 1; a >= 0; a--) {
      ArchiveMetadata metadata = archives.get(a).metadata();
      Map<Long, LabelRecord> newest = SeriesIds.newestOfEach(metadata.labels());
      for (MetricDesc desc : metadata.descs()) {
        if (done.putIfAbsent(desc.name(), true) != null) {
          continue;
        }
        TreeMap<String, JsonNode> metric = new TreeMap<>();
        for (int type : HIERARCHY) {
          merge(metric, newest.get(SeriesIds.key(type, SeriesIds.ident(type, desc))), -1);
        }
        rows.add(row(desc.name(), null, null, metric));
        InstanceDomain domain = desc.singular() ? null : metadata.indom(desc.indom());
        List<InstanceDomain.Snapshot> states = domain == null ? List.of() : domain.snapshots();
        if (!states.isEmpty()) {
          InstanceDomain.Snapshot latest = states.get(states.size() - 1);
          LabelRecord instances = newest.get(SeriesIds.key(LabelRecord.INSTANCES, desc.indom()));
          for (int i = 0; i < latest.ids().length; i++) {
            TreeMap<String, JsonNode> labels = new TreeMap<>(metric);
            merge(labels, instances, latest.ids()[i]);
            rows.add(row(desc.name(), latest.ids()[i], latest.names()[i], labels));
          }
        }
      }
    }
    return rows;
  }

  /** Adds the record's set for {@code inst} (-1: its only set), replacing same-named labels. */
  private static void merge(TreeMap<String, JsonNode> labels, LabelRecord record, int inst) {
    if (record == null) {
      return;
    }
    for (LabelRecord.Set labelSet : record.sets()) {
      if (inst >= 0 && labelSet.inst() != inst) {
        continue;
      }
      try {
        JsonNode object = JSON.readTree(labelSet.json());
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> label = it.next();
          labels.put(label.getKey(), label.getValue());
        }
      } catch (JsonProcessingException e) {
        // a label set that is not JSON is left out, as libpcp leaves it out
      }
    }
  }

  private static Object[] row(String metric, Integer inst, String instance,
      TreeMap<String, JsonNode> labels) {
    return new Object[] {metric, inst, instance, JSON.valueToTree(labels).toString()};
  }
}
