package dev.bft.client.cli;

import dev.bft.client.net.DelayRelay;
import dev.bft.client.net.LinkDelay;
import dev.bft.core.config.HostPort;
import java.io.PrintWriter;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code bft relay}: a process that forwards TCP connections from one address to another with a
 * wide-area round trip added (docs/benchmarks.md, "Wide-area latency"). Run one in front of each
 * replica, at the address the cluster file advertises, with the replica itself started with
 * {@code --bind} at the address given here as {@code --to}.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
    description = "Forward TCP connections from --listen to --to, delaying each direction by half of --rtt (give or take --jitter), until stopped.")
final class RelayCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "where dialers connect (the address the cluster file advertises)")
  String listen;

  @Option(names = "--to", required = true, paramLabel = "HOST:PORT", description = "where each connection is forwarded (the replica's --bind address)")
  String to;

  @Option(names = "--rtt", defaultValue = "0", description = "round trip the relay adds, e.g. 40ms: each direction is delayed by half of it (default: ${DEFAULT-VALUE})")
  String rtt;

  @Option(names = "--jitter", defaultValue = "0",
      description = "each direction's delay varies uniformly by up to this much either way, never reordering bytes, e.g. 5ms (default: ${DEFAULT-VALUE})")
  String jitter;

  @Option(names = "--max-delayed-kib", defaultValue = "8192",
      description = "per connection and direction, the KiB held back before the relay stops reading that side (default: ${DEFAULT-VALUE})")
  int maxDelayedKib;

  @Override
  public Integer call() throws Exception {
    LinkDelay delay = LinkDelay.parseRoundTrip(rtt, jitter);
    HostPort from = parseAddress("--listen", listen);
    HostPort target = parseAddress("--to", to);
    if (maxDelayedKib < 64 || maxDelayedKib > 1 << 20) {
      throw new IllegalArgumentException("--max-delayed-kib " + maxDelayedKib + " is out of range 64..1048576");
    }
    CountDownLatch stop = new CountDownLatch(1);
    try (DelayRelay relay = DelayRelay.start(from, target, delay, maxDelayedKib * 1024, new Random())) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        relay.close();
        stop.countDown();
      }, "stop-relay"));
      PrintWriter out = spec.commandLine().getOut();
      out.println("relay " + from + " -> " + target + ", " + delay.describe());
      out.flush();
      stop.await();
    }
    return 0;
  }

  private static HostPort parseAddress(String option, String text) {
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + " " + e.getMessage());
    }
  }
}
