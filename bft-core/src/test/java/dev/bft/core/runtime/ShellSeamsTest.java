package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The seams the simulator relies on stay seams: the parts of the shell it runs import no Netty
 * (sockets live behind {@link Transport}), the shell never imports the simulator, and each file of
 * the shell keeps to one concern's size.
 */
class ShellSeamsTest {
  private static final Path RUNTIME = Path.of("src/main/java/dev/bft/core/runtime");
  private static final List<String> SIMULATED = List.of("ReplicaShell", "InboundVerification",
      "FairVerificationQueue", "VoteFilter", "ReplicaEffects", "CommitStage", "ProtocolTimers", "ClientQuarantine",
      "Transport", "ShellClock", "Lane", "DurableRecords", "DurableLog", "Checkpoints", "ShellParts",
      "BatchStageClock", "ViewChangeLogger", "Stage", "Inbound");

  @Test
  void thePartsTheSimulatorRunsImportNoNetty() throws IOException {
    for (String part : SIMULATED) {
      assertThat(Files.readString(RUNTIME.resolve(part + ".java"))).as(part).doesNotContain("import io.netty");
    }
  }

  @Test
  void theShellNeverImportsTheSimulatorAndNoFileOutgrowsOneConcern() throws IOException {
    try (Stream<Path> files = Files.list(RUNTIME)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(f);
        assertThat(lines).as(f.getFileName().toString()).noneMatch(l -> l.startsWith("import dev.bft.core.sim"));
        assertThat(lines.size()).as(f.getFileName() + " lines").isLessThanOrEqualTo(400);
      }
    }
  }
}
