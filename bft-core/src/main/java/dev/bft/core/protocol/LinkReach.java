package dev.bft.core.protocol;

/**
 * Which replicas the shell holds a link to, as far as it has said. Without 2f + 1 replicas
 * (itself included) in reach, no view can prepare anything, and neither can the next: suspecting
 * the primary then only runs the views up while nothing can be decided, so that a replica cut off
 * (or the first replicas of a new epoch, started before the rest) comes back in a view nobody
 * else is in. A shell that never reports links (the simulator's network) leaves every replica in
 * reach. A Byzantine replica choosing not to link is one of f: the 2f + 1 correct replicas still
 * reach each other, so it cannot hold anyone's timers.
 */
final class LinkReach {
  private final int self;
  private final int needed;
  private boolean[] linked;

  LinkReach(Quorum quorum, int self) {
    this.self = self;
    this.needed = quorum.certificate();
    this.linked = null;
  }

  /** The shell's word on {@code peer}'s link; its first word starts the count, with only this replica in reach. */
  void report(int peer, boolean up, int n) {
    if (linked == null) {
      linked = new boolean[n];
      linked[self] = true;
    }
    if (peer >= 0 && peer < n && peer != self) {
      linked[peer] = up;
    }
  }

  boolean quorumInReach() {
    if (linked == null) {
      return true;
    }
    int inReach = 0;
    for (boolean l : linked) {
      if (l) {
        inReach++;
      }
    }
    return inReach >= needed;
  }
}
