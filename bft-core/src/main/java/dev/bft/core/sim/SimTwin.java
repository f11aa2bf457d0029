package dev.bft.core.sim;

import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.ReplicaConfig;
import dev.bft.core.protocol.TimerId;
import dev.bft.core.runtime.ProtocolTimers;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;
import java.util.Set;

/**
 * Twins (Bano et al.): the second copy of a replica, with its identity, that speaks only to the
 * replicas outside the original's audience (and hears only them), so each half of the cluster
 * sees a consistent replica but not the same one. Its effects are the simulator's own.
 */
final class SimTwin implements Effects {
  private final int id;
  private final Simulation sim;
  private final Set<Integer> originalAudience;
  final Replica replica;

  SimTwin(int id, Simulation sim, Set<Integer> originalAudience, ReplicaConfig config, ReplicatedService service) {
    this.id = id;
    this.sim = sim;
    this.originalAudience = Set.copyOf(originalAudience);
    // a twin is never paused or crashed on its own: its firings run at once
    this.timers = new ProtocolTimers(new SimClock(sim, () -> true), Runnable::run, this::fired);
    this.replica = new Replica(config, service, this);
    replica.start();
  }

  /** Whether a message from {@code sender} reaches the twin rather than the original. */
  boolean hears(int sender) {
    return !originalAudience.contains(sender);
  }

  private final ProtocolTimers timers;

  @Override
  public void send(int to, ReplicaMessage message) {
    if (to != id && !originalAudience.contains(to)) {
      sim.network().carry(id, to, message, m -> sim.replica(to).receive(m));
    }
  }

  @Override
  public void broadcast(ReplicaMessage message) {
    for (int to = 0; to < sim.replicaCount(); to++) {
      send(to, message);
    }
  }

  @Override
  public void reply(Reply reply) {
    SimClient client = sim.client(reply.clientId());
    if (client != null) {
      sim.network().carry(id, -1, reply, client::receive);
    }
  }

  @Override
  public void forward(int to, Request request) {}

  @Override
  public void persist(LogRecord record) {}

  @Override
  public void setTimer(TimerId timer, long ticks) {
    timers.set(timer, ticks);
  }

  @Override
  public void cancelTimer(TimerId timer) {
    timers.cancel(timer);
  }

  private void fired(TimerId timer) {
    replica.onTimer(timer);
  }

  @Override
  public void executed(long sequence, Batch batch) {}

  @Override
  public void checkpointTaken(long sequence, Digest digest, ClientTable clients) {}

  @Override
  public void fetchState(long sequence, Digest digest) {}
}
