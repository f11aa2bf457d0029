package dev.bft.core.message;

/** Anything that travels in an envelope: what the decoder yields and the encoder takes. */
public sealed interface Message permits ReplicaMessage, Request, Hello, FetchState, StateChunk {
  /** The authenticated sender: a replica id, or a client id for a REQUEST. */
  int sender();

  /** The sender's signed bytes; null for a message created here and not yet signed. */
  WireForm wire();

  MessageType type();
}
