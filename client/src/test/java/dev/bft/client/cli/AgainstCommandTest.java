package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bft bench against}: every wrong option is refused in one line before anything builds or runs. */
class AgainstCommandTest {
  @TempDir
  Path dir;
  Path tree;
  Path work;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  /** The least a directory needs to pass for a BFT-SMaRt tree: the demo server's source beside a config/. */
  @BeforeEach
  void fakeTree() throws Exception {
    tree = dir.resolve("checkout");
    Path server = tree.resolve("src/main/java/bftsmart/demo/microbenchmarks/ThroughputLatencyServer.java");
    Files.createDirectories(server.getParent());
    Files.writeString(server, "class ThroughputLatencyServer {}");
    Files.createDirectories(tree.resolve("config"));
    work = dir.resolve("work");
  }

  int run(String... args) {
    CommandLine cl = BftMain.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /** Runs {@code bft bench against bftsmart=<the fake tree> --dir <work> <options>} and returns its one-line error. */
  String refused(String peer, String... options) {
    err.getBuffer().setLength(0);
    String[] args = new String[4 + options.length];
    args[0] = "bench";
    args[1] = "against";
    args[2] = peer;
    args[3] = "--dir=" + work;
    System.arraycopy(options, 0, args, 4, options.length);
    assertThat(run(args)).as(String.join(" ", args)).isEqualTo(1);
    assertThat(work).as("nothing ran").doesNotExist();
    String message = err.toString().strip();
    assertThat(message).doesNotContain("\n");
    return message;
  }

  @Test
  void wrongOptionsAreRefusedInOneLine() {
    String peer = "bftsmart=" + tree;
    assertThat(refused(peer, "--replicas", "4,5")).isEqualTo("bft bench against: --replicas 5 is not 3f+1 for any f >= 1 (4, 7, 10, ...)");
    assertThat(refused(peer, "--modes", "ecdsa")).isEqualTo("bft bench against: --modes ecdsa: expected default (signed requests) or nosig (unsigned)");
    assertThat(refused(peer, "--sizes", "8")).isEqualTo("bft bench against: --sizes 8: expected a request size from 13 bytes (our smallest put) to 1 MiB");
    assertThat(refused(peer, "--clients", "0")).isEqualTo("bft bench against: --clients 0: expected 1 to 1000 closed-loop clients");
    assertThat(refused(peer, "--warmup", "5x")).isEqualTo("bft bench against: --warmup '5x' is not like 30s, 2m or 500ms");
    assertThat(refused(peer, "--window", "0s")).isEqualTo("bft bench against: --window 0s: expected a positive duration, e.g. 30s");
  }

  @Test
  void aPeerThatIsNotABftSmartTreeIsRefusedInOneLine() throws Exception {
    assertThat(refused("hotstuff=" + tree)).isEqualTo("bft bench against: 'hotstuff=" + tree
        + "': expected bftsmart=<directory or tarball> (BFT-SMaRt is the one peer the harness runs)");
    assertThat(refused("bftsmart=" + dir.resolve("nowhere"))).isEqualTo("bft bench against: bftsmart=" + dir.resolve("nowhere")
        + ": no such directory or file");
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThat(refused("bftsmart=" + empty)).isEqualTo("bft bench against: bftsmart=" + empty
        + ": no src/main/java/bftsmart/demo/microbenchmarks/ThroughputLatencyServer.java beside a config/ directory "
        + "(expected a BFT-SMaRt checkout or tarball)");
    Path zip = Files.writeString(dir.resolve("library.zip"), "PK");
    assertThat(refused("bftsmart=" + zip)).isEqualTo("bft bench against: bftsmart=" + zip
        + ": expected a source directory or a .tar.gz, .tgz or .tar of one");
  }

  @Test
  void aMissingPeerIsAUsageError() {
    assertThat(run("bench", "against")).isEqualTo(2);
    assertThat(err.toString()).contains("bftsmart=PATH");
  }
}
