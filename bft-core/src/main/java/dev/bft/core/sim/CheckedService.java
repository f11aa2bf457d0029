package dev.bft.core.sim;

import dev.bft.core.message.RequestDigests;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.ReplicatedService;
import dev.bft.crypto.Digest;

/** The service as a replica sees it, with validity and exactly-once (per node and across epochs) checked at every execution. */
final class CheckedService implements ReplicatedService {
  private final int replica;
  private final ReplicatedService service;
  private final Simulation sim;

  CheckedService(int replica, ReplicatedService service, Simulation sim) {
    this.replica = replica;
    this.service = service;
    this.sim = sim;
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    boolean correct = !sim.byzantine(replica);
    if (correct) {
      Digest d = RequestDigests.of(ctx.clientId(), ctx.requestNumber(), false, operation);
      sim.validity().onExecuted(replica, ctx.clientId(), ctx.requestNumber(), d);
      sim.exactlyOnce().onExecuted(replica, ctx.clientId(), ctx.requestNumber());
      if (sim.epochs() != null) {
        sim.epochs().executedRequest(replica, ctx.clientId(), ctx.requestNumber(), ctx.sequence());
      }
    }
    byte[] result = service.execute(operation, ctx);
    if (correct) {
      for (SimObserver o : sim.observers()) {
        o.operationExecuted(replica, operation, result, service, sim.now());
      }
    }
    return result;
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return service.executeReadOnly(operation);
  }

  @Override
  public Digest stateDigest() {
    return service.stateDigest();
  }

  @Override
  public int chunkCount() {
    return service.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    return service.chunkDigests();
  }

  @Override
  public dev.bft.core.service.StateSnapshot snapshot() {
    return service.snapshot();
  }

  @Override
  public dev.bft.core.service.ChunkReceiver receiveChunk(int chunk, Digest proven) {
    return service.receiveChunk(chunk, proven);
  }

  @Override
  public void install(java.util.List<dev.bft.core.service.ChunkReceiver> chunks, long sequence,
                      java.util.SortedMap<Integer, byte[]> clientEntries) {
    service.install(chunks, sequence, clientEntries);
  }

  @Override
  public dev.bft.core.service.DurableState durableState() {
    return service.durableState();
  }
}
