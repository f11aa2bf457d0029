package dev.bft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bft bench against bftsmart=PATH} for real: builds BFT-SMaRt from the team's tarball (or
 * -Dbftsmart.tree=DIR|TARBALL), fetching its dependencies with Maven, and runs a short point of
 * each system. Slow (a build and three clusters) and needs the tarball: run with -Pslow.
 */
@Tag("slow") // a BFT-SMaRt build and three short clusters, two minutes or more: run with -Pslow (README)
class AgainstBftSmartProcessTest {
  @TempDir
  Path work;
  Path tree;

  @BeforeEach
  void findTree() {
    Path root = BftLauncher.LAUNCHER.getParent().getParent();
    tree = Path.of(System.getProperty("bftsmart.tree", root.resolve("../shared/anchors/bftsmart-681cec8.tar.gz").normalize().toString()));
    Assumptions.assumeTrue(Files.exists(tree), "no BFT-SMaRt tree at " + tree + " (-Dbftsmart.tree=DIR|TARBALL)");
  }

  @Test
  void buildsBftSmartAndRunsBothSystemsOnTheSameWorkload() throws Exception {
    BftLauncher.Run r = BftLauncher.run(work, 900, "bench", "against", "bftsmart=" + tree, "--dir", "vs", "--replicas", "4",
        "--clients", "4", "--sizes", "64", "--modes", "nosig,default", "--warmup", "5s", "--window", "5s");
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    List<String> rows = Files.readAllLines(work.resolve("vs/results.csv"));
    assertThat(rows).hasSize(4);
    assertThat(rows.get(1)).startsWith("4,4,64,ours,");
    assertThat(rows.get(2)).startsWith("4,4,64,bftsmart-nosig,");
    assertThat(rows.get(3)).startsWith("4,4,64,bftsmart-default,");
    for (String row : rows.subList(1, 4)) {
      assertThat(Long.parseLong(row.split(",")[4])).as("operations in the window: " + row).isPositive();
    }
    assertThat(Files.readString(work.resolve("vs/results.md"))).contains("command: bin/bft bench against bftsmart=",
        "| 4 | 4 | 64 | bftsmart-default |");
    assertThat(work.resolve("vs/runs/bftsmart-default-n4-c4-s64/replica-0/config/currentView")).as("BFT-SMaRt ran from its own copy of config/").exists();
  }

  @Test
  void aStoppedHarnessLeavesNoProcessBehind() throws Exception {
    List<String> command = new ArrayList<>(List.of(BftLauncher.LAUNCHER.toString(), "bench", "against", "bftsmart=" + tree,
        "--dir", "vs", "--replicas", "4", "--clients", "4", "--sizes", "64", "--modes", "nosig", "--warmup", "10m"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("out.txt").toFile());
    pb.environment().put("BFT_NO_BUILD", "1");
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
      // our replicas under load, then BFT-SMaRt's would follow: stop it while ours run
      while (!Files.readString(work.resolve("out.txt")).contains("ours, 4 replicas") || p.descendants().count() < 4) {
        assertThat(p.isAlive()).as(Files.readString(work.resolve("out.txt"))).isTrue();
        assertThat(System.nanoTime()).as("ours started within 10 minutes").isLessThan(deadline);
        Thread.sleep(200);
      }
      List<ProcessHandle> children = p.descendants().toList();
      p.destroy(); // SIGTERM to the harness's JVM (bin/bft execs it), as a Ctrl-C would stop it
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      long stillAlive = children.stream().filter(ProcessHandle::isAlive).count();
      for (int i = 0; i < 100 && stillAlive > 0; i++) {
        Thread.sleep(100);
        stillAlive = children.stream().filter(ProcessHandle::isAlive).count();
      }
      assertThat(stillAlive).as("processes left of " + children).isZero();
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
