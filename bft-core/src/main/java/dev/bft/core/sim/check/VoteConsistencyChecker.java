package dev.bft.core.sim.check;

import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.ReplicaMessage;
import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import java.util.HashMap;
import java.util.Map;

/**
 * A correct replica never contradicts itself: for one (view, sequence) it sends at most one digest
 * in its PRE-PREPAREs, one in its PREPAREs and one in its COMMITs, across crashes and restarts.
 * This is what persisting before sending buys; the checker sees every message a correct replica sends.
 */
public final class VoteConsistencyChecker {
  private record Vote(int replica, String kind, long view, long sequence) {}

  private final Map<Vote, Digest> votes = new HashMap<>();

  public void onSent(int replica, ReplicaMessage m) {
    if (m instanceof PrePrepare pp) {
      record(new Vote(replica, "PRE-PREPARE", pp.view(), pp.sequence()), pp.digest());
    } else if (m instanceof Prepare p) {
      record(new Vote(replica, "PREPARE", p.view(), p.sequence()), p.digest());
    } else if (m instanceof Commit c) {
      record(new Vote(replica, "COMMIT", c.view(), c.sequence()), c.digest());
    }
  }

  private void record(Vote vote, Digest digest) {
    Digest earlier = votes.putIfAbsent(vote, digest);
    if (earlier != null && !earlier.equals(digest)) {
      throw new InvariantViolation("no self-contradiction", "replica " + vote.replica() + " sent a " + vote.kind()
          + " for view " + vote.view() + ", sequence " + vote.sequence() + " with digest " + digest
          + " after one with " + earlier);
    }
  }

  /**
   * The replica starts its next epoch: there views and sequence numbers are signed in another
   * domain, so what it promised in the old epoch binds it no more (a PRE-PREPARE for view 0,
   * sequence 17 of epoch 1 contradicts nothing of epoch 0's).
   */
  public void newEpoch(int replica) {
    votes.keySet().removeIf(v -> v.replica() == replica);
  }

  /** Forgets votes at or below a sequence every correct replica has passed, to bound memory. */
  public void forgetUpTo(long sequence) {
    votes.keySet().removeIf(v -> v.sequence() <= sequence);
  }
}
