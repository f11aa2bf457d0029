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
    return of(replicas, config.requesters(), config.admins(), config.adminQuorum());
  }

  /** Replicas and clients, no administrators: nothing can reconfigure. */
  static KeyDirectory of(Map<Integer, Ed25519PublicKey> replicas, Map<Integer, Ed25519PublicKey> clients) {
    return of(replicas, clients, Map.of(), Integer.MAX_VALUE);
  }

  private static KeyDirectory of(Map<Integer, Ed25519PublicKey> replicas, Map<Integer, Ed25519PublicKey> clients,
                                 Map<Integer, Ed25519PublicKey> admins, int adminQuorum) {
    return new KeyDirectory() {
      @Override
      public Ed25519PublicKey replica(int id) {
        return replicas.get(id);
      }

      @Override
      public Ed25519PublicKey client(int id) {
        return clients.get(id);
      }

      @Override
      public Ed25519PublicKey admin(int id) {
        return admins.get(id);
      }

      @Override
      public int adminQuorum() {
        return adminQuorum;
      }
    };
  }
}
