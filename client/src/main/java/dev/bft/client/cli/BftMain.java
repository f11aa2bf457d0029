package dev.bft.client.cli;

import dev.bft.core.cli.CommandExtension;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bft}: the launcher's entry point. Other modules add subcommands through {@link CommandExtension}. */
@Command(name = "bft", mixinStandardHelpOptions = true, version = "bft 0.1.0",
    description = "A Byzantine-fault-tolerant replicated state machine (PBFT with Ed25519 signatures).",
    subcommands = {ClusterCommand.class, ReplicaCommand.class, ClientCommand.class, StatusCommand.class, KeygenCommand.class,
        BenchCommand.class, CheckHistoryCommand.class, RelayCommand.class, SnapshotCommand.class, ReconfigureCommand.class, dev.bft.client.nemesis.NemesisCommand.class,
        ClassArchiveTraining.class})
public final class BftMain implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Exit status of a command whose operation may or may not have taken effect (no quorum by its deadline). */
  public static final int EXIT_UNKNOWN = 3;
  /** Exit status of a command whose operation certainly did not take effect. */
  public static final int EXIT_NOT_EXECUTED = 4;

  /** The command line with every subcommand, including those contributed by other modules. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new BftMain());
    for (CommandExtension extension : ServiceLoader.load(CommandExtension.class)) {
      cl.addSubcommand(extension.command());
    }
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine failed = ex.getCommandLine();
      failed.getErr().println("bft: " + ex.getMessage() + " (see 'bft " + failed.getCommandName() + " --help')");
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, failed, parsed) -> {
      dev.bft.client.BftClientException client = dev.bft.client.BftClientException.of(ex);
      if (client != null) {
        failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + client.getMessage());
        return client.outcome() == dev.bft.client.BftClientException.Outcome.UNKNOWN ? EXIT_UNKNOWN : EXIT_NOT_EXECUTED;
      }
      if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
          || ex instanceof dev.bft.storage.StorageException) {
        failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        return 1;
      }
      throw ex;
    });
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
