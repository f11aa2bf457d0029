package dev.bft.core.message.codec;

import dev.bft.crypto.Ed25519PublicKey;
import java.util.Map;

/** Public keys of the cluster's replicas and clients; null for an id nobody configured. */
public interface KeyDirectory {
  Ed25519PublicKey replica(int id);

  Ed25519PublicKey client(int id);

  /** An administrator's key, whose approvals a reconfiguration request carries; null for any other id. */
  default Ed25519PublicKey admin(int id) {
    return null;
  }

  /** How many distinct administrators must approve a reconfiguration. */
  default int adminQuorum() {
    return Integer.MAX_VALUE;
  }

  /** The keys of a configuration: administrators send their requests as clients of their own. */
  static KeyDirectory of(dev.bft.core.config.ClusterConfig config) {
    Map<Integer, Ed25519PublicKey> replicas = new java.util.HashMap<>();
    config.replicas().forEach((id, r) -> replicas.put(id, r.publicKey()));
    Map<Integer, Ed25519PublicKey> requesters = config.requesters();
    return new KeyDirectory() {
      @Override
      public Ed25519PublicKey replica(int id) {
        return replicas.get(id);
      }

      @Override
      public Ed25519PublicKey client(int id) {
        return requesters.get(id);
      }

      @Override
      public Ed25519PublicKey admin(int id) {
        return config.admins().get(id);
      }

      @Override
      public int adminQuorum() {
        return config.adminQuorum();
      }
    };
  }

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
