package dev.bft.core.sim;

import dev.bft.core.config.EpochStart;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.statetransfer.FetchEffects;
import dev.bft.core.statetransfer.StateFetcher;
import dev.bft.crypto.Digest;
import java.util.function.Consumer;

/**
 * A node of the next configuration fetching the state its epoch starts from, from the old group
 * (docs/reconfiguration.md, step 4): a new member, or one that stays but fell behind the epoch
 * checkpoint. The epoch start's digest is the checkpoint's ordinary digest bound to the next
 * configuration, so a server first tells the ordinary digest, which the node checks against the
 * binding (a lie fails it), and then the production {@link StateFetcher} fetches and verifies the
 * state against it, piece by piece.
 */
final class SimJoin {
  private static final long RETRY_TICKS = 100;

  private final Simulation sim;
  private final SimReplica node;
  private final int[] servers;
  private final EpochStart start;
  private final Digest nextConfiguration;
  private final Consumer<ClientTable> joined;
  private int cursor;
  private long generation;
  private Digest ordinary;
  private StateFetcher fetcher;
  private boolean stopped;
  /** Ordinary digests servers told that did not bind to the epoch start: Byzantine lies caught. */
  long liesCaught;

  SimJoin(Simulation sim, SimReplica node, int[] servers, EpochStart start, Digest nextConfiguration,
          Consumer<ClientTable> joined) {
    this.sim = sim;
    this.node = node;
    this.servers = servers;
    this.start = start;
    this.nextConfiguration = nextConfiguration;
    this.joined = joined;
    this.cursor = node.id;
  }

  void begin() {
    askDigest();
  }

  void stop() {
    stopped = true;
    generation++;
    if (fetcher != null) {
      fetcher.stop();
    }
  }

  Digest ordinary() {
    return ordinary;
  }

  private void askDigest() {
    if (stopped || ordinary != null) {
      return;
    }
    int server = servers[Math.floorMod(cursor++, servers.length)];
    long asked = ++generation;
    sim.network().carry(node.id, server, start.sequence(), s -> tellDigest(server));
    sim.queue().at(sim.now() + RETRY_TICKS, () -> {
      if (asked == generation) {
        askDigest();
      }
    });
  }

  /** At the server: its ordinary digest of the epoch checkpoint, if it holds it (a Byzantine one lies). */
  private void tellDigest(int server) {
    SimReplica s = sim.replica(server);
    Digest held = s.up ? s.states.ordinary.get(start.sequence()) : null;
    if (held == null) {
      return;
    }
    Digest told = s.byzantine == null ? held : Digest.sha256(held.bytesUnsafe());
    sim.network().carry(server, node.id, told, this::heardDigest);
  }

  private void heardDigest(Digest told) {
    if (stopped || ordinary != null) {
      return;
    }
    if (!StateDigests.epoch(told, nextConfiguration).equals(start.state())) {
      liesCaught++;
      askDigest();
      return;
    }
    ordinary = told;
    generation++;
    fetcher = new StateFetcher(servers.length, servers.length, node.rawService, new Shell(), sim.transferStats());
    fetcher.start(start.sequence(), told);
  }

  private void receive(int peer, long sequence, StateChunk.Answer answer) {
    if (stopped) {
      return;
    }
    fetcher.onAnswer(peer, sequence, answer, 0);
  }

  /** The fetcher's asks go to the old group's nodes over the simulated network; their answers come back. */
  private final class Shell implements FetchEffects {
    @Override
    public void ask(int peer, long sequence, FetchState.Ask ask) {
      int server = servers[peer];
      sim.network().carry(node.id, server, ask, a -> {
        StateChunk.Answer answer = sim.replica(server).states.answerFor(sequence, a);
        if (answer != null) {
          sim.network().carry(server, node.id, answer, x -> receive(peer, sequence, x));
        }
      });
    }

    @Override
    public void setRetryTimer(long ticks) {
      long armed = ++generation;
      sim.queue().at(sim.now() + ticks, () -> {
        if (armed == generation && !stopped) {
          fetcher.onRetryTimer();
        }
      });
    }

    @Override
    public boolean wanted(long sequence) {
      return !stopped && sequence == start.sequence();
    }

    @Override
    public void installed(long sequence, ClientTable clients) {
      stopped = true;
      generation++;
      joined.accept(clients);
    }
  }
}
