package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * {@code <host>.metric_labels}: every metric's and instance's merged labels equal what
 * {@code pminfo -l} prints for the archive's metrics, except cluster labels: pminfo 6.0.3
 * leaves them out of the merge although pmdumplog -e lists them and pmLookupLabels(3) names
 * cluster among the levels, so pmsql keeps them and the comparison drops them.
 */
class MetricLabelsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern METRIC = Pattern.compile("^(\\S+)$");
  private static final Pattern METRIC_LABELS = Pattern.compile("^    labels (\\{.*\\})$");
  private static final Pattern INSTANCE_LABELS =
      Pattern.compile("^    inst \\[\\d+ or \"(.*)\"\\] labels (\\{.*\\})$");

  @ParameterizedTest
  @ValueSource(strings = {"sample-labels", "20180416.10.00"})
  void mergedAsPminfoMergesThem(String name) throws Exception {
    Path archive = PcpTools.corpus().resolve(name);
    Map<String, Object> pminfo = pminfo(archive);
    assertTrue(pminfo.size() > 3, pminfo.toString());
    Map<String, Object> pmsql = new TreeMap<>();
    try (Connection c = Sql.connect(archive)) {
      String host = Sql.host(archive);
      Map<String, Object> clusterLabels = clusterLabelNames(c, host);
      for (Object[] row : Sql.rows(c, "SELECT metric, instance, labels FROM \"" + host
          + "\".metric_labels")) {
        String key = row[0] + (row[1] == null ? "" : " [" + row[1] + "]");
        if (pminfo.containsKey(key)) {
          Map<?, ?> labels = JSON.readValue((String) row[2], Map.class);
          labels.keySet().removeAll(clusterLabels.keySet());
          pmsql.put(key, labels);
        }
      }
    }
    // pminfo also lists libpcp's own event metrics and derived metrics (from
    // /etc/pcp/derived), which are in no archive
    pminfo.keySet().retainAll(pmsql.keySet());
    assertTrue(pminfo.size() > (name.equals("sample-labels") ? 10 : 5000), pminfo.size()
        + " compared");
    List<String> differences = new ArrayList<>();
    for (String key : pminfo.keySet()) {
      if (!pminfo.get(key).equals(pmsql.get(key))) {
        differences.add(key + ": pminfo " + pminfo.get(key) + ", pmsql " + pmsql.get(key));
      }
    }
    assertEquals(List.of(), differences.subList(0, Math.min(4, differences.size())),
        differences.size() + " of " + pminfo.size() + " differ");
  }

  @Test
  void aLabelFiltersLikeAColumn() throws Exception {
    try (Connection c = Sql.connect(PcpTools.corpus().resolve("sample-labels"))) {
      assertEquals(2L, ((Number) Sql.rows(c, "SELECT count(*) FROM shard.metric_labels"
          + " WHERE JSON_VALUE(labels, '$.transient') = 'true'").get(0)[0]).longValue());
    }
  }

  private static Map<String, Object> clusterLabelNames(Connection c, String host)
      throws Exception {
    Map<String, Object> names = new TreeMap<>();
    for (Object[] row : Sql.rows(c, "SELECT labels FROM \"" + host + "\".labels"
        + " WHERE label_type = 'cluster'")) {
      names.putAll(JSON.readValue((String) row[0], Map.class));
    }
    return names;
  }

  /** "metric" and "metric [instance]" to the labels pminfo -l prints for them. */
  private static Map<String, Object> pminfo(Path archive) throws Exception {
    PcpTools.Result r = PcpTools.run(120, PcpTools.tool("pminfo").toString(), "-l", "-a",
        archive.toString());
    assertEquals(0, r.exitCode(), r.output());
    Map<String, Object> labels = new TreeMap<>();
    String metric = null;
    for (String line : r.output().split("\n")) {
      Matcher m = METRIC.matcher(line);
      Matcher ml = METRIC_LABELS.matcher(line);
      Matcher il = INSTANCE_LABELS.matcher(line);
      if (m.matches()) {
        metric = m.group(1);
      } else if (ml.matches()) {
        labels.put(metric, JSON.readValue(ml.group(1), Map.class));
      } else if (il.matches()) {
        labels.put(metric + " [" + il.group(1) + "]", JSON.readValue(il.group(2), Map.class));
      }
    }
    return labels;
  }
}
