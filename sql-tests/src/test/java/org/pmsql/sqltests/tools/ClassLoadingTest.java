package org.pmsql.sqltests.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/** SQL over local archives loads no network discovery, pools or federation. */
class ClassLoadingTest {
  @Test
  void aLocalQueryLoadsNoFederation() throws Exception {
    PcpTools.Result r = PcpTools.run(120, Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-verbose:class", "-cp", Sql.shadedJar().toString(), "org.pmsql.cli.Pmsql",
        "query", "--catalog", "none", "--archives", Sql.sample().toString(), "--format", "csv",
        "SELECT count(*) AS n FROM vm.\"kernel.all.load\"");
    assertEquals(0, r.exitCode(), r.output());
    List<String> loaded = r.output().lines().filter(l -> l.contains("class,load")).toList();
    assertTrue(loaded.size() > 1000 && loaded.stream().anyMatch(l -> l.contains("org.pmsql.sql.")),
        "the query's classes are listed: " + loaded.size());
    List<String> network = loaded.stream().filter(l -> l.contains("jmdns")
        || l.contains("zaxxer") || l.contains("org.pmsql.federation.")).limit(5).toList();
    assertEquals(List.of(), network);
  }
}
