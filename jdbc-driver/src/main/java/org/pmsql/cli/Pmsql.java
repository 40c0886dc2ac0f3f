package org.pmsql.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The pmsql command line. */
@Command(name = "pmsql", mixinStandardHelpOptions = true,
    versionProvider = Pmsql.Version.class,
    description = "SQL and JDBC over Performance Co-Pilot archives.",
    subcommands = {QueryCommand.class, DumpCommand.class, CommandLine.HelpCommand.class})
public final class Pmsql implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code (for tests and for {@link #main}). */
  public static int run(String... args) {
    return new CommandLine(new Pmsql()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Pmsql.class.getPackage().getImplementationVersion();
      return new String[] {"pmsql " + (v == null ? "(development build)" : v)};
    }
  }
}
