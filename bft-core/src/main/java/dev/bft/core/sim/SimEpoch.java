package dev.bft.core.sim;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.protocol.Quorum;
import java.util.Arrays;

/**
 * Who runs one epoch in the simulation: replica id i of the epoch is simulated node {@code nodes[i]}
 * (nodes are processes; ids move between epochs, nodes never do), and which clients may send. A run
 * without reconfiguration has one epoch, 0, whose replica i is node i and which admits every client.
 */
record SimEpoch(long number, ClusterConfig config, int[] nodes, Quorum quorum) {
  SimEpoch {
    nodes = nodes.clone();
  }

  static SimEpoch plain(int n) {
    int[] identity = new int[n];
    Arrays.setAll(identity, i -> i);
    return new SimEpoch(0, null, identity, Quorum.ofReplicas(n));
  }

  int n() {
    return nodes.length;
  }

  /** The node that is replica {@code id} in this epoch. */
  int node(int id) {
    return nodes[id];
  }

  /** The replica id of {@code node} in this epoch, or -1 if it is not a member. */
  int idOf(int node) {
    for (int i = 0; i < nodes.length; i++) {
      if (nodes[i] == node) {
        return i;
      }
    }
    return -1;
  }

  boolean member(int node) {
    return idOf(node) >= 0;
  }

  /** Whether this epoch's replicas verify {@code client}'s requests (an enrolled client or an administrator). */
  boolean admits(int client) {
    return config == null || config.requesters().containsKey(client);
  }

  @Override
  public String toString() {
    return "epoch " + number + " (nodes " + Arrays.toString(nodes) + ", f = " + quorum.f() + ")";
  }
}
