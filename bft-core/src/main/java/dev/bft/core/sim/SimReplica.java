package dev.bft.core.sim;

import dev.bft.core.message.Batch;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.Effects;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.Replica;
import dev.bft.core.protocol.TimerId;
import java.util.ArrayList;
import java.util.List;

/** One replica in the simulation: the real {@link Replica} wired to the simulated network, timers and storage. */
final class SimReplica implements Effects {
  final int id;
  Replica replica;
  boolean up = true;
  final List<LogRecord> persisted = new ArrayList<>();
  private final Simulation sim;
  private final long[] timerGeneration = new long[TimerId.values().length];

  SimReplica(int id, Simulation sim) {
    this.id = id;
    this.sim = sim;
  }

  void receive(ReplicaMessage m) {
    if (up) {
      sim.trace("r", id, m);
      replica.onMessage(m);
    }
  }

  void receive(Request r) {
    if (up) {
      sim.trace("q", id, r);
      replica.onRequest(r, sim.now());
    }
  }

  @Override
  public void send(int to, ReplicaMessage message) {
    sim.network().carry(id, to, message, m -> sim.replica(to).receive(m));
  }

  @Override
  public void broadcast(ReplicaMessage message) {
    for (int to = 0; to < sim.replicaCount(); to++) {
      if (to != id) {
        send(to, message);
      }
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
  public void forward(int to, Request request) {
    sim.network().carry(id, to, request, r -> sim.replica(to).receive(r));
  }

  @Override
  public void persist(LogRecord record) {
    if (record instanceof LogRecord.StableCheckpoint sc) {
      persisted.removeIf(r -> sequenceOf(r) <= sc.sequence());
    }
    persisted.add(record);
  }

  private static long sequenceOf(LogRecord r) {
    if (r instanceof LogRecord.AcceptedPrePrepare a) {
      return a.prePrepare().sequence();
    } else if (r instanceof LogRecord.SentPrepare p) {
      return p.prepare().sequence();
    } else if (r instanceof LogRecord.SentCommit c) {
      return c.commit().sequence();
    }
    return Long.MAX_VALUE;
  }

  @Override
  public void setTimer(TimerId timer, long ticks) {
    long generation = ++timerGeneration[timer.ordinal()];
    sim.queue().at(sim.now() + ticks, () -> {
      if (up && timerGeneration[timer.ordinal()] == generation) {
        sim.trace("t", id, timer);
        replica.onTimer(timer);
      }
    });
  }

  @Override
  public void cancelTimer(TimerId timer) {
    timerGeneration[timer.ordinal()]++;
  }

  @Override
  public void executed(long sequence, Batch batch) {
    sim.onExecuted(id, sequence, batch);
  }
}
