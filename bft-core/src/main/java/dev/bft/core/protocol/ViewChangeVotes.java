package dev.bft.core.protocol;

import dev.bft.core.message.ViewChange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The latest valid VIEW-CHANGE of each replica. One per sender bounds memory whatever a Byzantine
 * replica sends, and is all PBFT needs: a correct replica only ever moves to higher views.
 */
final class ViewChangeVotes {
  private final Quorum quorum;
  private final ViewChange[] latest;

  ViewChangeVotes(Quorum quorum) {
    this.quorum = quorum;
    this.latest = new ViewChange[quorum.n()];
  }

  /** Keeps {@code vc} if it is the sender's highest so far. */
  boolean add(ViewChange vc) {
    ViewChange known = latest[vc.sender()];
    if (known != null && known.newView() >= vc.newView()) {
      return false;
    }
    latest[vc.sender()] = vc;
    return true;
  }

  /** The VIEW-CHANGEs for exactly {@code view}, by sender id. */
  List<ViewChange> forView(long view) {
    List<ViewChange> out = new ArrayList<>();
    for (ViewChange vc : latest) {
      if (vc != null && vc.newView() == view) {
        out.add(vc);
      }
    }
    return out;
  }

  /**
   * When at least f + 1 replicas have moved above {@code current}, the smallest view among them
   * (PBFT's rule); otherwise -1. f + 1 includes a correct replica, so f faulty replicas alone can
   * never force a view change.
   */
  long viewBackedByWeakQuorum(long current) {
    long[] views = Arrays.stream(latest).filter(vc -> vc != null && vc.newView() > current)
        .mapToLong(ViewChange::newView).sorted().toArray();
    if (views.length < quorum.weak()) {
      return -1;
    }
    return views[0];
  }

  ViewChange of(int replica) {
    return latest[replica];
  }
}
