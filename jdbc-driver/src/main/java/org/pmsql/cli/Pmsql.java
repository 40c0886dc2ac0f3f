package org.pmsql.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.pmsql.jdbc.ConnectProperties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pmsql command line. */
@Command(name = "pmsql", mixinStandardHelpOptions = true,
    versionProvider = Pmsql.Version.class,
    description = "SQL and JDBC over Performance Co-Pilot archives.",
    subcommands = {ShellCommand.class, QueryCommand.class, DumpCommand.class,
        CommandLine.HelpCommand.class})
public final class Pmsql implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (for tests and for {@link #main}). */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The command line with the subcommands on the class path; its help ends with the connection
   * properties, which {@code jdbc:pcp:} URLs and tools' driver settings take.
   */
  private static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new Pmsql());
    for (Subcommand extra : ServiceLoader.load(Subcommand.class)) {
      commandLine.addSubcommand(extra);
    }
    List<String> footer = new ArrayList<>(List.of("",
        "Connection properties (jdbc:pcp:KEY=VALUE;KEY=VALUE, or a JDBC tool's driver"
            + " properties): key, default, what it does:"));
    ConnectProperties.described().forEach(line -> footer.add("  " + line.replace("%", "%%")));
    commandLine.getCommandSpec().usageMessage().footer(footer.toArray(String[]::new));
    return commandLine;
  }

  /** Without a subcommand, the interactive shell over PCP's archive directory. */
  @Override
  public void run() {
    try {
      int status = new ShellCommand().call();
      if (status != 0) {
        throw new CommandLine.ExecutionException(spec.commandLine(), "shell failed");
      }
    } catch (java.io.IOException e) {
      throw new CommandLine.ExecutionException(spec.commandLine(), e.getMessage(), e);
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Pmsql.class.getPackage().getImplementationVersion();
      return new String[] {"pmsql " + (v == null ? "(development build)" : v)};
    }
  }
}
