package dev.bft.core.sim;

import dev.bft.core.client.ClientCore;
import dev.bft.core.client.ClientEffects;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;

/** One simulated client: a {@link ClientCore} issuing a fixed number of operations from the workload. */
final class SimClient implements ClientEffects {
  final int id;
  final ClientCore core;
  private final Simulation sim;
  private final int operations;
  private int completed;
  private long timerGeneration;
  private long currentRequest;
  private Workload.Operation currentOp;

  SimClient(int id, Simulation sim, int operations, long retransmitTicks) {
    this.id = id;
    this.sim = sim;
    this.operations = operations;
    this.core = new ClientCore(id, sim.quorum(), retransmitTicks, 1, this);
  }

  boolean done() {
    return completed >= operations;
  }

  int completed() {
    return completed;
  }

  void issueNext() {
    if (done() || core.busy()) {
      return;
    }
    currentOp = sim.workload().next(id, sim.random());
    currentRequest = core.invoke(currentOp.bytes(), currentOp.readOnly());
    sim.workload().invoked(id, currentRequest, currentOp, sim.now());
  }

  void receive(Reply reply) {
    sim.trace("c", id, reply);
    core.onReply(reply);
  }

  @Override
  public void send(int replica, Request request) {
    if (sim.signing() != null && request.wire() == null) {
      request = sim.signing().sign(request);
    }
    sim.issued(request);
    Request delivered = request;
    sim.network().carry(-1, replica, delivered, r -> sim.replica(replica).receive(r));
  }

  @Override
  public void sendToAll(Request request) {
    Request signed = sim.signing() != null && request.wire() == null ? sim.signing().sign(request) : request;
    for (int r = 0; r < sim.replicaCount(); r++) {
      send(r, signed);
    }
  }

  @Override
  public void setTimer(long ticks) {
    long generation = ++timerGeneration;
    sim.queue().at(sim.now() + ticks, () -> {
      if (timerGeneration == generation) {
        core.onTimer();
      }
    });
  }

  @Override
  public void cancelTimer() {
    timerGeneration++;
  }

  @Override
  public void completed(long requestNumber, byte[] result) {
    completed++;
    // The history records the operation under the number it was invoked with, even if a read-only
    // request was re-issued as an ordered one under a new number.
    sim.workload().completed(id, currentRequest, result, sim.now());
    sim.trace("done", id, requestNumber);
    sim.queue().at(sim.now() + sim.random().nextLong(3), this::issueNext);
  }
}
