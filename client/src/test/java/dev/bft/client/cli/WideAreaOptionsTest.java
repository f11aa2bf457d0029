package dev.bft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A bad --rtt or --jitter is one line naming the option, before anything starts. */
class WideAreaOptionsTest {
  @TempDir
  Path dir;
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cl = BftMain.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void benchRefusesANegativeOrUnreadableRoundTrip() {
    assertThat(run("bench", "--dir", dir.toString(), "--rtt", "-5ms")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft bench: --rtt '-5ms': expected a duration of at least 0 such as 40ms, 0.1s or 0");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--rtt", "abc")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft bench: --rtt 'abc'").doesNotContain("\n");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--jitter", "5ms")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft bench: --jitter 5ms needs --rtt (the delay it varies)");
    err.getBuffer().setLength(0);
    assertThat(run("bench", "--dir", dir.toString(), "--rtt", "40ms", "--rate", "-3")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft bench: --rate -3.0").doesNotContain("\n");
  }

  @Test
  void clientLoadRefusesABadRoundTripBeforeReadingTheCluster() {
    assertThat(run("client", "load", "--config", dir.resolve("none.conf").toString(), "--rtt", "-5ms")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft client load: --rtt '-5ms': expected a duration of at least 0 such as 40ms, 0.1s or 0");
  }

  @Test
  void relayRefusesBadDelaysAndAddresses() {
    assertThat(run("relay", "--listen", "127.0.0.1:1", "--to", "127.0.0.1:2", "--rtt", "abc")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft relay: --rtt 'abc'").doesNotContain("\n");
    err.getBuffer().setLength(0);
    assertThat(run("relay", "--listen", "127.0.0.1:1", "--to", "127.0.0.1:2", "--rtt", "40ms", "--jitter", "21ms")).isEqualTo(1);
    assertThat(err.toString().strip()).startsWith("bft relay: --jitter 21ms is more than half of --rtt 40ms");
    err.getBuffer().setLength(0);
    assertThat(run("relay", "--listen", "nowhere", "--to", "127.0.0.1:2")).isEqualTo(1);
    assertThat(err.toString().strip()).isEqualTo("bft relay: --listen 'nowhere' is not host:port");
  }
}
