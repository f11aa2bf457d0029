package dev.bft.core.runtime;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Request;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.DurableState;
import java.nio.ByteBuffer;
import java.util.SortedMap;
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
        state.clientEntry(r.clientId(), encode(r.clientId(), e));
      }
    }
    state.executed(sequence, sequence % checkpointInterval == 0);
  }

  /**
   * One client's entry as {@link ClientTable#encode()} writes it inside the whole table (client id,
   * request number, result), so that the stored entries in client order make that encoding again.
   */
  static byte[] encode(int client, ClientTable.Entry e) {
    byte[] result = e.reply().result();
    return ByteBuffer.allocate(4 + 8 + 4 + result.length).putInt(client).putLong(e.requestNumber())
        .putInt(result.length).put(result).array();
  }

  /** The client table that stored entries make, its replies re-signed as from {@code replica} in {@code view}. */
  static ClientTable decode(SortedMap<Integer, byte[]> entries, long view, int replica) {
    int size = 4;
    for (byte[] e : entries.values()) {
      size += e.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).putInt(entries.size());
    entries.values().forEach(b::put);
    return ClientTable.decode(b.array(), view, replica);
  }

  /** Every entry of {@code table}, for a service that installs a transferred checkpoint. */
  static SortedMap<Integer, byte[]> entries(ClientTable table) {
    SortedMap<Integer, byte[]> out = new java.util.TreeMap<>();
    table.entries().forEach((client, e) -> out.put(client, encode(client, e)));
    return out;
  }
}
