package dev.bft.core.message;

/** A message sent by a replica. {@code sender} is authenticated at the edge. */
public sealed interface ReplicaMessage
    permits PrePrepare, Prepare, Commit, Checkpoint, ViewChange, NewView, Reply, Status {
  int sender();

  /** The sender's signed bytes; null for a message this replica created and has not yet signed. */
  WireForm wire();

  MessageType type();
}
