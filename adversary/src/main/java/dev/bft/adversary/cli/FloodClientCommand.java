package dev.bft.adversary.cli;

import dev.bft.adversary.client.FloodingClient;
import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.crypto.KeyFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code bft flood-client}: play a Byzantine client that floods every replica (see docs/adversary.md). */
@Command(name = "flood-client", mixinStandardHelpOptions = true,
    description = "Authenticate as a listed client and flood every replica with requests no correct client sends.")
public final class FloodClientCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--config", required = true, description = "the cluster file")
  Path config;

  @Option(names = "--id", required = true, description = "the client id to play (its key must be in the cluster file)")
  int id;

  @Option(names = "--key", description = "private key file (default: keys/client-<id>.key next to the cluster file)")
  Path key;

  @Option(names = "--kind", defaultValue = "BAD_SIGNATURE",
      description = "what to send: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  FloodingClient.Kind kind;

  @Option(names = "--rate", defaultValue = "5000", description = "frames per second to each replica (default: ${DEFAULT-VALUE})")
  int rate;

  @Option(names = "--seconds", defaultValue = "0", description = "stop after this long; 0 runs until interrupted (default: ${DEFAULT-VALUE})")
  long seconds;

  @Override
  public Integer call() throws Exception {
    if (rate < 1) {
      throw new IllegalArgumentException("--rate must be at least 1, got " + rate);
    }
    ClusterConfig cluster = ClusterFile.load(config);
    Path keyFile = key != null ? key : ClusterKeygen.clientKeyFile(config.toAbsolutePath().getParent(), id);
    PrintWriter out = spec.commandLine().getOut();
    try (FloodingClient flooder = new FloodingClient(cluster, id, KeyFiles.read(keyFile), kind, rate)) {
      flooder.start();
      long end = seconds > 0 ? System.nanoTime() + seconds * 1_000_000_000L : Long.MAX_VALUE;
      while (System.nanoTime() - end < 0) {
        Thread.sleep(Math.min(1000, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
        out.printf(Locale.ROOT, "flood-client %d (%s): %d frames sent, %d handshakes, %d replicas connected%n", id,
            kind, flooder.framesSent(), flooder.connections(), flooder.connectedReplicas());
        out.flush();
      }
    }
    return 0;
  }
}
