package dev.bft.core.config;

import dev.bft.crypto.Ed25519PublicKey;

/**
 * Where a replica listens, the key its messages are signed with, and the port of its metrics
 * endpoint (0: none).
 */
public record ReplicaEndpoint(int id, String host, int port, Ed25519PublicKey publicKey, int metricsPort) {
  public ReplicaEndpoint(int id, String host, int port, Ed25519PublicKey publicKey) {
    this(id, host, port, publicKey, 0);
  }

  public String address() {
    return host + ":" + port;
  }
}
