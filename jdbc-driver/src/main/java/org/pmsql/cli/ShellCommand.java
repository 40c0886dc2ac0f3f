package org.pmsql.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.pmsql.jdbc.PcpDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import sqlline.SqlLine;

/**
 * {@code pmsql shell} (and {@code pmsql} alone): an interactive SQL shell, sqlline on JLine,
 * with history in ~/.pmsql/history.
 */
@Command(name = "shell", mixinStandardHelpOptions = true,
    description = {"Interactive SQL over PCP archives (the default without a subcommand).",
        "End statements with ';'. Tab completes hosts, metric tables and columns.",
        "!tables, !columns <table>, !help; Ctrl-C cancels a query, !quit or Ctrl-D leaves."})
final class ShellCommand implements Callable<Integer> {
  @Mixin Sources sources = new Sources();

  @Override
  public Integer call() throws IOException {
    Path home = Path.of(System.getProperty("user.home"), ".pmsql");
    Files.createDirectories(home);
    String url = sources.url();
    List<String> args = new ArrayList<>(List.of("-u", url, "-n", "", "-p", "",
        "-d", PcpDriver.class.getName(), "--historyFile=" + home.resolve("history"),
        "--showWarnings=false", "--incremental=true", "--maxWidth=200",
        "--isolation=TRANSACTION_NONE",
        // loads table names (hosts' metrics) at connect so that Tab completes them
        "--fastConnect=false",
        // print rows as they come (SELECT STREAM); widths follow the first row, then widen
        "--incrementalBufferRows=1"));
    // null input: sqlline opens the system terminal itself (raw mode, so Tab completes);
    // handing it System.in would wrap a plain stream where Tab is just a character
    SqlLine.Status status = new SqlLine().begin(args.toArray(new String[0]), null, true);
    return status == SqlLine.Status.OK ? 0 : 1;
  }
}
