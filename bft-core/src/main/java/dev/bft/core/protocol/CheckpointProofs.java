package dev.bft.core.protocol;

import dev.bft.core.message.Checkpoint;
import dev.bft.crypto.Digest;
import java.util.List;

/** Checks a claimed stable checkpoint: 2f + 1 matching CHECKPOINTs from distinct replicas (none needed for 0). */
public final class CheckpointProofs {
  private CheckpointProofs() {}

  /** The proven state digest at {@code sequence}; {@link Digest#ZERO} for the initial state; null if unproven. */
  public static Digest provenDigest(long sequence, List<Checkpoint> proof, Quorum quorum, int checkpointInterval) {
    return provenDigest(sequence, proof, quorum, checkpointInterval, 0, Digest.ZERO);
  }

  /**
   * As above, in an epoch that starts at {@code startSequence} with {@code startState}: that
   * checkpoint needs no proof (the epoch before proved it), and none before it is of this epoch.
   */
  static Digest provenDigest(long sequence, List<Checkpoint> proof, Quorum quorum, int checkpointInterval,
                             long startSequence, Digest startState) {
    if (sequence == startSequence) {
      return proof.isEmpty() || sequence == 0 ? startState : null;
    }
    if (sequence < startSequence) {
      return null;
    }
    if (sequence < 0 || sequence % checkpointInterval != 0 || proof.isEmpty()) {
      return null;
    }
    Digest digest = proof.get(0).stateDigest();
    boolean[] seen = new boolean[quorum.n()];
    int count = 0;
    for (Checkpoint c : proof) {
      if (!quorum.isReplica(c.sender()) || seen[c.sender()] || c.sequence() != sequence
          || !c.stateDigest().equals(digest)) {
        return null;
      }
      seen[c.sender()] = true;
      count++;
    }
    return count >= quorum.certificate() ? digest : null;
  }
}
