package dev.bft.core.message;

import java.util.List;

/** One chunk of a checkpoint's state with the Merkle path that proves it against the checkpoint digest. */
public record StateChunk(long sequence, int chunkIndex, int chunkTotal, byte[] chunk, List<byte[]> merklePath,
                         int sender, WireForm wire) implements Message {
  public StateChunk {
    merklePath = List.copyOf(merklePath);
  }

  @Override
  public MessageType type() {
    return MessageType.STATE;
  }
}
