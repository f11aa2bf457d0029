package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;

/** Where a replica listens and the key its messages are signed with. */
public record ReplicaEndpoint(int id, String host, int port, Ed25519PublicKey publicKey) {
  public String address() {
    return host + ":" + port;
  }
}
