package dev.bft.core.message;

/**
 * Authenticates a connection (docs/runtime.md, "Links"): {@code sender} proves it holds its key by
 * signing the challenge {@code nonce} of the side it addresses, {@code peer}, and poses its own
 * challenge {@code ownNonce}. Naming the peer is what keeps a HELLO from being relayed or
 * reflected: an answer meant for one replica is refused by every other.
 */
public record Hello(int sender, int peer, byte[] nonce, byte[] ownNonce, WireForm wire) implements Message {
  /** A further client identity joining a link: it answers the link's challenge and poses none. */
  public static Hello join(int client, int replica, byte[] linkNonce) {
    return new Hello(client, replica, linkNonce, new byte[0], null);
  }

  @Override
  public MessageType type() {
    return MessageType.HELLO;
  }
}
