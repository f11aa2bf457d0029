package dev.bft.core.sim;

import dev.bft.core.byzantine.OutboundFilter;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;

/**
 * A node's outbound links in the simulator's own effects: a replica id of the node's epoch names
 * the node that receives, every message carries the epoch it was sent in (as the real envelope
 * does), and a Byzantine node's messages pass through its filter first.
 */
final class SimLinks {
  private final SimReplica node;
  private final Simulation sim;

  SimLinks(SimReplica node, Simulation sim) {
    this.node = node;
    this.sim = sim;
  }

  /** In LMDB mode messages travel signed, as on the wire, so receivers can persist them as received. */
  private ReplicaMessage wire(ReplicaMessage message) {
    SimSigning signing = sim.signing();
    if (signing == null || message.wire() != null) {
      return message;
    }
    return (ReplicaMessage) signing.decoder.decode(signing.replicaEncoders[node.id].encode(message)).message();
  }

  void send(int to, ReplicaMessage original) {
    ReplicaMessage message = wire(original);
    SimEpoch epoch = node.epoch;
    long tag = epoch.number();
    int id = node.id;
    if (node.byzantine != null) {
      int self = node.replica.config().replicaId();
      for (OutboundFilter.Outbound o : node.byzantine.toReplica(self, to, message, sim.now())) {
        if (o.to() != self && o.to() >= 0 && o.to() < epoch.n()) {
          int target = epoch.node(o.to());
          sim.queue().at(sim.now() + o.delay(),
              () -> sim.network().carry(id, target, o.message(), m -> sim.replica(target).receiveFrom(id, tag, m)));
        }
      }
      if (sim.epochs() != null) {
        sim.epochs().sentByByzantine(node);
      }
      return;
    }
    sim.sent(id, message);
    int target = epoch.node(to);
    sim.network().carry(id, target, message, m -> sim.replica(target).receive(tag, m));
  }

  void broadcast(ReplicaMessage original) {
    SimEpoch epoch = node.epoch;
    int self = node.replica.config().replicaId();
    if (node.byzantine != null) {
      for (int to = 0; to < epoch.n(); to++) {
        if (to != self) {
          send(to, original);
        }
      }
      return;
    }
    ReplicaMessage message = wire(original);
    sim.sent(node.id, message);
    long tag = epoch.number();
    for (int to = 0; to < epoch.n(); to++) {
      if (to != self) {
        int target = epoch.node(to);
        sim.network().carry(node.id, target, message, m -> sim.replica(target).receive(tag, m));
      }
    }
  }

  void reply(Reply original) {
    int self = node.replica.config().replicaId();
    deliver(node.byzantine == null ? original : node.byzantine.toClient(self, original, sim.now()));
  }

  void replyReadOnly(Request request, Reply original) {
    deliver(node.byzantine.toClientReadOnly(node.replica.config().replicaId(), request, original, sim.now()));
  }

  private void deliver(Reply reply) {
    SimClient client = reply == null ? null : sim.client(reply.clientId());
    if (client != null) {
      long tag = node.epoch.number();
      sim.network().carry(node.id, -1, reply, r -> client.receive(tag, r));
    }
  }

  void forward(int to, Request request) {
    int target = node.epoch.node(to);
    long tag = node.epoch.number();
    sim.network().carry(node.id, target, request, r -> sim.replica(target).receive(tag, r));
  }
}
