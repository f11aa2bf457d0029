package dev.bft.core.message;

import dev.bft.crypto.Digest;

/** A lagging replica asks for chunks {@code [firstChunk, firstChunk + chunkCount)} of a checkpoint's state. */
public record FetchState(long sequence, Digest stateDigest, int firstChunk, int chunkCount, int sender, WireForm wire)
    implements Message {
  @Override
  public MessageType type() {
    return MessageType.FETCH;
  }
}
