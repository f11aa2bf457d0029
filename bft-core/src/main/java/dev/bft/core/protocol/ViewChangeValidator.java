package dev.bft.core.protocol;

import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import java.util.TreeSet;
import java.util.Set;

/**
 * Checks a VIEW-CHANGE as PBFT requires before it may count: its checkpoint proof, and every
 * prepared certificate (valid, from a view below the new one, inside the window above the
 * checkpoint, at most one per sequence number).
 */
final class ViewChangeValidator {
  private final Quorum quorum;
  private final int checkpointInterval;
  private final int window;
  /** The epoch's first stable checkpoint, proven by the epoch before (docs/reconfiguration.md). */
  private long startSequence;
  private dev.bft.crypto.Digest startState = dev.bft.crypto.Digest.ZERO;

  ViewChangeValidator(ReplicaConfig config) {
    this.quorum = config.quorum();
    this.checkpointInterval = config.checkpointInterval();
    this.window = config.logWindow();
  }

  void epochStartsAt(long sequence, dev.bft.crypto.Digest state) {
    this.startSequence = sequence;
    this.startState = state;
  }

  boolean isValid(ViewChange vc) {
    if (vc.newView() < 1 || !quorum.isReplica(vc.sender())) {
      return false;
    }
    if (CheckpointProofs.provenDigest(vc.stableSequence(), vc.checkpointProof(), quorum, checkpointInterval,
        startSequence, startState) == null) {
      return false;
    }
    Set<Long> sequences = new TreeSet<>();
    for (PreparedProof proof : vc.prepared()) {
      PreparedCertificate cert = PreparedCertificate.validate(proof, quorum);
      if (cert == null || cert.view() >= vc.newView() || cert.sequence() <= vc.stableSequence()
          || cert.sequence() > vc.stableSequence() + window || !sequences.add(cert.sequence())) {
        return false;
      }
    }
    return true;
  }
}
