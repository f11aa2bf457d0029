package dev.bft.client.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Commands whose implementation lands with the networked runtime (issue "Networked replica
 * runtime, client library and the command line"). They say so plainly and exit 2 rather than
 * pretend: the replica core and simulator exist, the sockets do not yet.
 */
final class NotYetAvailable {
  private NotYetAvailable() {}

  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Unmatched
    String[] ignored;

    @Override
    public Integer call() {
      spec.commandLine().getErr().println("bft " + spec.name() + ": not yet available: the networked replica runtime"
          + " has not landed. Today you can run 'bft keygen' and the seeded cluster simulation"
          + " (mvn -B -ntp verify; see README).");
      return 2;
    }
  }

  @Command(name = "replica", description = "Run one replica process (not yet available).")
  static final class Replica extends Base {}

  @Command(name = "cluster", description = "Run a local 4-replica cluster with a client (not yet available).")
  static final class Cluster extends Base {}

  @Command(name = "client", description = "Send operations to a cluster (not yet available).")
  static final class Client extends Base {}
}
