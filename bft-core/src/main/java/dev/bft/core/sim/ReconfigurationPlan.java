package dev.bft.core.sim;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Reconfiguration;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One reconfiguration a simulated run goes through: what it changes and when the administrator
 * submits it. The kinds are the issue's: enrolling one client and removing another, replacing one
 * replica by a new node, growing 4 to 7 replicas (f 1 to 2) and shrinking 7 to 4.
 */
public record ReconfigurationPlan(Kind kind, long at, int replaced) {
  public enum Kind {
    /** Enrols the last workload client (refused until then) and removes the first. */
    CLIENTS,
    /** Replica {@code replaced} moves to a new node with a new key; the old node leaves. */
    REPLACE,
    /** Three new nodes join: n 4 to 7. */
    GROW,
    /** The last three replicas leave: n 7 to 4 (the last ids, so no id moves). */
    SHRINK;

    /** How many replicas the first epoch has for this kind. */
    public int firstN() {
      return this == SHRINK ? 7 : 4;
    }
  }

  public static ReconfigurationPlan of(Kind kind, long at) {
    return new ReconfigurationPlan(kind, at, 1);
  }

  /** Administrator ids of the simulated cluster: both must approve (admin quorum 2). */
  static final int[] ADMINS = {900, 901};

  /** The deterministic key of simulated node {@code node} (nodes, not ids: a key stays with its process). */
  static Ed25519PublicKey nodeKey(int node) {
    return Ed25519KeyPair.forTesting(50_000 + node).publicKey();
  }

  static Ed25519PublicKey clientKey(int client) {
    return Ed25519KeyPair.forTesting(client).publicKey();
  }

  /** The client the plan enrols (not enrolled in the first epoch), or -1. */
  int enrolled(List<Integer> clients) {
    return kind == Kind.CLIENTS ? clients.get(clients.size() - 1) : -1;
  }

  /** The client the plan removes, or -1. */
  int removed(List<Integer> clients) {
    return kind == Kind.CLIENTS ? clients.get(0) : -1;
  }

  /** The first epoch's configuration: n replicas on nodes 0..n-1, the clients but the one to enrol, two administrators. */
  ClusterConfig firstConfiguration(int n, List<Integer> clients) {
    java.util.TreeMap<Integer, dev.bft.core.config.ReplicaEndpoint> replicas = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      replicas.put(i, new dev.bft.core.config.ReplicaEndpoint(i, host(i), 7000, nodeKey(i)));
    }
    java.util.TreeMap<Integer, Ed25519PublicKey> enrolled = new java.util.TreeMap<>();
    clients.stream().filter(c -> c != enrolled(clients)).forEach(c -> enrolled.put(c, clientKey(c)));
    java.util.TreeMap<Integer, Ed25519PublicKey> admins = new java.util.TreeMap<>();
    for (int a : ADMINS) {
      admins.put(a, clientKey(a));
    }
    return new ClusterConfig((n - 1) / 3, replicas, enrolled, dev.bft.core.config.ProtocolParameters.defaults(),
        java.nio.file.Path.of("sim"), ClusterConfig.DEFAULT_METRICS_HOST, 0, admins, ADMINS.length);
  }

  /** The changes to {@code current}; new nodes get indices from {@code firstNewNode} on. */
  Reconfiguration reconfiguration(ClusterConfig current, List<Integer> clients, int firstNewNode) {
    List<Reconfiguration.Change> changes = new ArrayList<>();
    int n = current.n();
    switch (kind) {
      case CLIENTS -> {
        if (clients.size() < 2) {
          throw new IllegalArgumentException("a client change needs two clients: one to enrol, one to remove");
        }
        int in = enrolled(clients);
        changes.add(new Reconfiguration.AddClient(in, clientKey(in)));
        changes.add(new Reconfiguration.RemoveClient(removed(clients)));
      }
      case REPLACE -> changes.add(new Reconfiguration.ReplaceReplica(replaced, host(firstNewNode), 7000,
          nodeKey(firstNewNode)));
      case GROW -> {
        for (int k = 0; k < 3; k++) {
          changes.add(new Reconfiguration.AddReplica(host(firstNewNode + k), 7000, nodeKey(firstNewNode + k)));
        }
      }
      case SHRINK -> {
        for (int id = n - 1; id >= n - 3; id--) {
          changes.add(new Reconfiguration.RemoveReplica(id));
        }
      }
      default -> throw new IllegalStateException();
    }
    Reconfiguration r = new Reconfiguration(current.epoch(), changes, List.of());
    for (int admin : ADMINS) {
      // Signatures are checked where requests are decoded, which the simulator's effects skip; the rules count approvals.
      r = r.approvedBy(new Reconfiguration.Approval(admin, new byte[Reconfiguration.SIGNATURE_BYTES]));
    }
    return r;
  }

  static String host(int node) {
    return "node-" + node + ".sim";
  }
}
