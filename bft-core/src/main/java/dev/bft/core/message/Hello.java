package dev.bft.core.message;

/** The first frame on a connection: the peer proves it holds {@code sender}'s key by signing our nonce. */
public record Hello(int sender, byte[] nonce, WireForm wire) implements Message {
  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }
}
