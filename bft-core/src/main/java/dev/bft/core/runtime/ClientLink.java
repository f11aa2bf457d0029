package dev.bft.core.runtime;

import io.netty.channel.Channel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection from a client process and the client identities it has proven on it: the first by
 * the handshake, each further one by a HELLO answering the same nonce. Only those identities'
 * REQUESTs are accepted on it, and their replies go back over it, so a process serving many
 * identities gets their replies in a few writes instead of one connection and one write each.
 */
final class ClientLink {
  private final Channel channel;
  private final byte[] nonce;
  private final Set<Integer> identities = ConcurrentHashMap.newKeySet();

  ClientLink(Channel channel, byte[] nonce, int first) {
    this.channel = channel;
    this.nonce = nonce.clone();
    identities.add(first);
  }

  Channel channel() {
    return channel;
  }

  boolean carries(int client) {
    return identities.contains(client);
  }

  void add(int client) {
    identities.add(client);
  }

  /** The nonce a joining identity's HELLO must answer. */
  boolean answers(byte[] helloNonce) {
    return java.security.MessageDigest.isEqual(nonce, helloNonce);
  }

  Set<Integer> identities() {
    return Set.copyOf(identities);
  }
}
