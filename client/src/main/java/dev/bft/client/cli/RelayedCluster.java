package dev.bft.client.cli;

import dev.bft.client.net.DelayRelay;
import dev.bft.client.net.LinkDelay;
import dev.bft.core.config.FreePorts;
import dev.bft.core.config.HostPort;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A local cluster whose every link crosses a wide-area delay: the cluster file advertises, for each
 * replica, the address of a {@link DelayRelay} in front of it, and the replica listens elsewhere
 * ({@code bft replica --bind}). Replica i dials replica j (i < j) at j's relay and clients dial
 * every replica at its relay, so each replica-to-replica and client-to-replica connection is
 * delayed by half the round trip in each direction. Metrics are read directly, undelayed.
 */
final class RelayedCluster implements AutoCloseable {
  private final List<HostPort> advertised;
  private final List<HostPort> listen;
  private final List<DelayRelay> relays = new ArrayList<>();

  private RelayedCluster(List<HostPort> advertised, List<HostPort> listen) {
    this.advertised = List.copyOf(advertised);
    this.listen = List.copyOf(listen);
  }

  /** Chooses the ports of {@code n} replicas: the relays' (advertised in the cluster file, metrics at each plus n) and the replicas' own. */
  static RelayedCluster plan(int n) throws IOException {
    int base = FreePorts.consecutive(3 * n);
    List<HostPort> advertised = new ArrayList<>();
    List<HostPort> listen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      advertised.add(new HostPort("127.0.0.1", base + i));
      listen.add(new HostPort("127.0.0.1", base + 2 * n + i));
    }
    return new RelayedCluster(advertised, listen);
  }

  /** Starts one relay per replica, at its advertised address, with {@code delay}. */
  RelayedCluster start(LinkDelay delay) throws IOException {
    try {
      for (int i = 0; i < listen.size(); i++) {
        relays.add(DelayRelay.start(advertised.get(i), listen.get(i), delay, DelayRelay.DEFAULT_MAX_DELAYED_BYTES, new Random()));
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    return this;
  }

  /** The addresses for the cluster file: the relays'. */
  List<HostPort> advertised() {
    return advertised;
  }

  /** Where replica {@code id} listens: its {@code --bind}. */
  HostPort bind(int id) {
    return listen.get(id);
  }

  @Override
  public void close() {
    relays.forEach(DelayRelay::close);
  }
}
