package dev.bft.core.runtime;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.DurableState;
import java.util.function.Supplier;

/**
 * Feeds a service that stores its own state ({@link DurableState}) what it must store with each
 * executed batch: the exactly-once entries of the batch's clients, so that the stored state and
 * the stored table always belong to the same batch and a restarted replica resumes from there.
 * Protocol lane only.
 */
final class ServiceDurability {
  private final DurableState state;
  private final long checkpointInterval;
  private final Supplier<ClientTable> clients;

  ServiceDurability(DurableState state, long checkpointInterval, Supplier<ClientTable> clients) {
    this.state = state;
    this.checkpointInterval = checkpointInterval;
    this.clients = clients;
  }

  /** Batch {@code sequence} executed (the replica takes its checkpoint after this, from the committed state). */
  void executed(long sequence, Batch batch) {
    ClientTable table = clients.get();
    for (Request r : batch.requests()) {
      ClientTable.Entry e = table.get(r.clientId());
      if (e != null) {
        state.clientEntry(r.clientId(), ClientTable.encodeEntry(e));
      }
    }
    state.executed(sequence, sequence % checkpointInterval == 0);
  }
}
