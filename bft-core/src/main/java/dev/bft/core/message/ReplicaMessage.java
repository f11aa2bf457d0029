package dev.bft.core.message;

/** A message sent by a replica. {@code sender} is authenticated at the edge. */
public sealed interface ReplicaMessage extends Message
    permits PrePrepare, Prepare, Commit, Checkpoint, ViewChange, NewView, Reply, Status,
    FetchBatch, BatchReply {
}
