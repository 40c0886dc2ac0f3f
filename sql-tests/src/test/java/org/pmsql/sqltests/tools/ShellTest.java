package org.pmsql.sqltests.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pmsql.archive.Archive;
import org.pmsql.sqltests.support.Sql;
import org.pmsql.testsupport.PcpTools;
import org.pmsql.testsupport.Pmlogger;

/** The interactive shell (sqlline) run from the shaded jar, fed statements on its input. */
class ShellTest {
  @TempDir Path home;

  @Test
  void answersStatementsAndKeepsHistory() throws Exception {
    Path jar = Sql.shadedJar();
    Path input = home.resolve("input.sql");
    Files.writeString(input, "SELECT count(*) AS n FROM vm.\"kernel.all.load\";\n"
        + "SELECT * FROM vm.nosuch;\n!quit\n");
    Path output = home.resolve("output.txt");
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.home=" + home, "-jar", jar.toString(), "shell", "--archives",
        Sql.sample().toString())
        .redirectInput(input.toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "shell did not finish");
    String out = Files.readString(output);
    assertTrue(out.contains("| 180 "), out);
    assertTrue(out.contains("Object 'nosuch' not found"), out);
    assertTrue(!out.contains("\tat org."), "no stack traces: " + out);
    assertEquals(0, p.exitValue(), out);
  }

  /** At a real terminal: Tab completes metric tables, Ctrl-C at the prompt keeps the shell. */
  @Test
  void completesNamesAndSurvivesCtrlCAtATerminal() throws Exception {
    String out = shellOnTerminal(Sql.sample(),
        "expect:> $",
        "send:SELECT count(*) AS n FROM vm.\"kernel.all.l\\t",
        "expect:vm\\.\"kernel\\.all\\.load\"",
        "send:;\\r",
        "expect:\\| 180 ",
        "send:SELECT * FROM vm.\\t\\t",
        "expect:network\\.interface\\.out\\.bytes",
        "send:\\x03",
        "expect:> $",
        "send:SELECT 2 AS two;\\r",
        "expect:\\| 2 +\\|",
        "send:!quit\\r");
    assertTrue(!out.contains("\tat org."), "no stack traces: " + out);
  }

  /** A live stream prints rows as they are logged; Ctrl-C ends the stream, not the shell. */
  @Test
  void streamsLiveRowsAndCtrlCCancelsOnlyTheStream() throws Exception {
    Path archives = home.resolve("archives");
    Files.createDirectories(archives);
    Process logger = Pmlogger.start(archives, "shell", 3, 0, 100);
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(archives.resolve("shell.0")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(2000);
      String host = Archive.open(archives.resolve("shell")).hostname();
      String out = shellOnTerminal(archives,
          "expect:> $",
          "send:SELECT STREAM ts_ns, instance, val FROM \"" + host
              + "\".\"live:kernel.all.load\";\\r",
          "expect:\\| 1 minute .*\\n(.*\\n)*.*\\| 1 minute ",
          "send:\\x03",
          "expect:query cancelled",
          "send:SELECT 2 AS two;\\r",
          "expect:\\| 2 +\\|",
          "send:!quit\\r");
      assertTrue(!out.contains("\tat org."), "no stack traces: " + out);
    } finally {
      logger.destroy();
      logger.waitFor(20, TimeUnit.SECONDS);
    }
  }

  /**
   * Runs the shaded jar's shell over {@code archives} on a pseudo-terminal, taking the
   * pty-drive.py steps; returns what the terminal showed, after checking every step was met.
   */
  private String shellOnTerminal(Path archives, String... steps) throws Exception {
    Path driver = PcpTools.repositoryRoot().resolve("sql-tests/src/test/resources/pty-drive.py");
    List<String> command = new ArrayList<>(List.of(PcpTools.tool("python3").toString(),
        driver.toString(), "60"));
    command.addAll(List.of(steps));
    command.addAll(List.of("--",
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.home=" + home, "-jar", Sql.shadedJar().toString(), "shell", "--archives",
        archives.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "pty-drive did not finish");
    assertEquals(0, p.exitValue(), out);
    return out;
  }
}
