package dev.bft.core.message.codec;

import dev.bft.crypto.Ed25519PublicKey;
import java.util.Map;

/** Public keys of the cluster's replicas and clients; null for an id nobody configured. */
public interface KeyDirectory {
  Ed25519PublicKey replica(int id);

  Ed25519PublicKey client(int id);

  static KeyDirectory of(Map<Integer, Ed25519PublicKey> replicas, Map<Integer, Ed25519PublicKey> clients) {
    return new KeyDirectory() {
      @Override
      public Ed25519PublicKey replica(int id) {
        return replicas.get(id);
      }

      @Override
      public Ed25519PublicKey client(int id) {
        return clients.get(id);
      }
    };
  }
}
