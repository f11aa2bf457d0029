package dev.bft.core.sim;

import dev.bft.core.client.ClientCore;
import dev.bft.core.client.ClientEffects;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;

/** One simulated client: a {@link ClientCore} issuing a fixed number of operations from the workload. */
final class SimClient implements ClientEffects {
  final int id;
  ClientCore core;
  /** The epoch whose configuration this client was handed: whom it sends to, and whose replies it takes. */
  SimEpoch epoch;
  /** Left out of the current configuration: it issues nothing more and the run no longer waits for it. */
  boolean removed;
  /** What it sent last: the request outstanding, when it is busy. */
  private final long retransmitTicks;
  /** An administrator's one operation (a reconfiguration) instead of the workload's; null for a workload client. */
  private byte[] only;
  /** The result of its last completed request. */
  byte[] lastResult;
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
    this.retransmitTicks = retransmitTicks;
    this.epoch = sim.replica(0).epoch;
    this.core = new ClientCore(id, epoch.quorum(), retransmitTicks, 1, this);
  }

  /** An administrator that sends {@code operation} once, as its client, when told to ({@link #issueNext}). */
  static SimClient administrator(int id, Simulation sim, byte[] operation, long retransmitTicks) {
    SimClient admin = new SimClient(id, sim, 1, retransmitTicks);
    admin.only = operation;
    return admin;
  }

  boolean done() {
    return completed >= operations || removed;
  }

  /**
   * Takes the next epoch's configuration (an operator handing out the new cluster file). What is
   * outstanding goes again, under the same number, to the new replicas: if the old epoch executed
   * it, their client table answers it from the state they started with; if not, it executes now.
   */
  void switchTo(SimEpoch next) {
    Request outstanding = core.outstanding();
    // Numbers go on from the old core's: a number used in the old epoch may be in the table.
    long following = core.nextRequestNumber();
    core.abandon();
    timerGeneration++;
    epoch = next;
    core = new ClientCore(id, next.quorum(), retransmitTicks, following, this);
    if (outstanding != null) {
      core.resume(outstanding.requestNumber(), outstanding.operation(), outstanding.readOnly());
    }
  }

  int completed() {
    return completed;
  }

  void issueNext() {
    if (done() || core.busy()) {
      return;
    }
    if (only != null) {
      currentRequest = core.invoke(only, false);
      return;
    }
    currentOp = sim.workload().next(id, sim.random());
    currentRequest = core.invoke(currentOp.bytes(), currentOp.readOnly());
    sim.workload().invoked(id, currentRequest, currentOp, sim.now());
  }

  /** A reply from a replica that runs this client's epoch (the production shell's, and twins', in runs of one epoch). */
  void receive(Reply reply) {
    receive(epoch.number(), reply);
  }

  void receive(long tag, Reply reply) {
    if (tag != epoch.number()) {
      return; // signed in another epoch's configuration: not a reply this client can check
    }
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
    int node = epoch.node(replica);
    long tag = epoch.number();
    sim.network().carry(-1, node, delivered, r -> sim.replica(node).receive(tag, r));
  }

  @Override
  public void sendToAll(Request request) {
    Request signed = sim.signing() != null && request.wire() == null ? sim.signing().sign(request) : request;
    for (int r = 0; r < epoch.n(); r++) {
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
    lastResult = result;
    if (only != null) {
      sim.trace("done", id, requestNumber);
      return;
    }
    // The history records the operation under the number it was invoked with, even if a read-only
    // request was re-issued as an ordered one under a new number.
    sim.workload().completed(id, currentRequest, result, sim.now());
    sim.trace("done", id, requestNumber);
    sim.queue().at(sim.now() + sim.random().nextLong(3), this::issueNext);
  }

  @Override
  public void refused(long requestNumber, long laterExecuted) {
    // Simulated clients never share an identity or restart, so f + 1 replicas calling one of their
    // requests stale means a replica executed what this client never sent: a bug, not a fault.
    throw new IllegalStateException("client " + id + ": request " + requestNumber + " refused as stale behind "
        + laterExecuted + ", which it never sent");
  }
}
