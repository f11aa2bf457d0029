package dev.bft.core.runtime;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.service.StateSnapshot;

/**
 * What the commit stage writes: records and checkpoint state added to an open transaction, made
 * durable together by {@link #commit()}. {@link DurableLog} over LMDB is the real one; a simulation
 * wraps it to crash a replica in the middle of a commit.
 */
public interface DurableRecords {
  void add(LogRecord record);

  /** The service state at checkpoint {@code sequence}: the chunks of its snapshot that changed. */
  void addState(long sequence, StateSnapshot snapshot, ClientTable clients);

  /** Makes everything added since the last commit durable; throws {@link dev.bft.storage.StorageException} if it cannot. */
  void commit();

  /** Forgets what was added since the last commit (the process died before writing it). */
  void discardUncommitted();
}
