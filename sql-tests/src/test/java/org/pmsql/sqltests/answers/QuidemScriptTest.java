package org.pmsql.sqltests.answers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import net.hydromatic.quidem.Quidem;
import org.junit.jupiter.api.Test;
import org.pmsql.sqltests.support.LibpcpReference;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;

/**
 * SQL scripts with their expected output (Quidem, as Calcite tests itself): each script must
 * reproduce itself exactly over pmsql, and again over libpcp's reading of the same archive.
 */
class QuidemScriptTest {
  private static final Path SCRIPTS =
      PcpTools.repositoryRoot().resolve("sql-tests/src/test/resources/sql");

  @Test
  void sampleScriptReproducesItself() throws Exception {
    Path script = SCRIPTS.resolve("sample.iq");
    String expected = Files.readString(script);
    String actual = run(script, () -> Sql.connect(Sql.sample()));
    Path out = Path.of("target", "quidem", "sample.iq");
    Files.createDirectories(out.getParent());
    Files.writeString(out, actual);
    assertEquals(expected, actual, "diff " + script + " " + out.toAbsolutePath());
  }

  /**
   * The same script answered by libpcp (the oracle's values, pmrep's rates, pmdumplog's labels)
   * must print the same results: every number the script expects is PCP's. Plans are pmsql's
   * own and are left out.
   */
  @Test
  void sampleScriptResultsAreLibpcps() throws Exception {
    String withoutPlans = withoutPlans(Files.readString(SCRIPTS.resolve("sample.iq")));
    Path script = Path.of("target", "quidem", "sample-libpcp-expected.iq");
    Files.createDirectories(script.getParent());
    Files.writeString(script, withoutPlans);
    String actual = run(script, () -> LibpcpReference.connect(Sql.sample()));
    Path out = Path.of("target", "quidem", "sample-libpcp.iq");
    Files.writeString(out, actual);
    assertEquals(withoutPlans, actual, "diff " + script.toAbsolutePath() + " " + out.toAbsolutePath());
  }

  /** The script without its EXPLAIN blocks: each statement that ends in !plan, and its comments. */
  private static String withoutPlans(String script) {
    StringBuilder kept = new StringBuilder();
    StringBuilder block = new StringBuilder();
    for (String line : script.split("\n", -1)) {
      block.append(line).append('\n');
      if (line.startsWith("!")) {
        if (!line.equals("!plan")) {
          kept.append(block);
        }
        block.setLength(0);
      }
    }
    kept.append(block);
    return kept.substring(0, kept.length() - 1);
  }

  interface ConnectionSource {
    Connection connect() throws Exception;
  }

  private static String run(Path script, ConnectionSource sample) throws Exception {
    StringWriter writer = new StringWriter();
    try (Reader reader = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
      new Quidem(Quidem.configBuilder()
          .withReader(reader)
          .withWriter(writer)
          .withConnectionFactory((name, reference) ->
              name.equals("sample") ? sample.connect() : null)
          .build()).execute();
    }
    return writer.toString();
  }
}
