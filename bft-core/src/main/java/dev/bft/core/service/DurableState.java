package dev.bft.core.service;

/**
 * What a service that keeps its own state durable (on LMDB, say) offers the replica, in place of
 * the replica writing the service's changed chunks at each checkpoint: its state may then be far
 * larger than the heap. Called on the protocol thread, except {@link #sync}.
 *
 * <p>The contract: the stored state is always the state after some executed batch, stored together
 * with the exactly-once table of that moment ({@link #clientEntry}), so a restarted replica resumes
 * from there. Committing is the service's choice (bounded by the bytes written, so memory stays
 * bounded), except at a checkpoint, where it must commit before {@link ReplicatedService#snapshot}
 * so that the snapshot is the checkpoint's state.
 */
public interface DurableState {
  /** What the service found stored when it opened: the last batch executed into it and the client table then. */
  record Stored(long sequence, java.util.SortedMap<Integer, byte[]> clientEntries) {}

  /** The stored state, or null when the service starts empty. */
  Stored stored();

  /**
   * Client {@code client}'s exactly-once entry changed in the batch being executed: to be stored
   * with that batch's effects. {@code entry} is opaque to the service.
   */
  void clientEntry(int client, byte[] entry);

  /**
   * Batch {@code sequence} has executed: its effects and the client entries given since the last
   * call belong to it. At a {@code checkpoint} the service commits before returning.
   */
  void executed(long sequence, boolean checkpoint);

  /**
   * Makes everything committed so far durable (fsync), from the replica's storage writer: before
   * the replica's log forgets the batches below a checkpoint, the state that contains them must
   * survive a power cut. A no-op when the operator chose write-behind durability.
   */
  void sync();

}
