package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * The deterministic part of a NEW-VIEW (docs/protocol.md, View change): from 2f + 1 valid VIEW-CHANGEs,
 * the checkpoint to start from (min-s, the highest proven) and the PRE-PREPAREs of the new view
 * for every sequence in (min-s, max-s]: the batch of the highest-view prepared certificate, or
 * the null request. The new primary computes it to send; every backup computes it to check.
 * Batches are named by digest only (as certificates name them); {@link #vouchers} says who holds one.
 */
record NewViewPlan(long view, long minSequence, List<Checkpoint> checkpointProof, List<PrePrepare> prePrepares,
                   List<ViewChange> viewChanges) {

  static NewViewPlan compute(long view, List<ViewChange> viewChanges, Quorum quorum) {
    long minS = 0;
    List<Checkpoint> proof = List.of();
    long maxS = 0;
    for (ViewChange vc : viewChanges) {
      if (vc.stableSequence() > minS) {
        minS = vc.stableSequence();
        proof = vc.checkpointProof();
      }
      for (PreparedProof p : vc.prepared()) {
        maxS = Math.max(maxS, p.prePrepare().sequence());
      }
    }
    int primary = quorum.primary(view);
    List<PrePrepare> prePrepares = new ArrayList<>();
    for (long s = minS + 1; s <= maxS; s++) {
      PrePrepare best = null;
      for (ViewChange vc : viewChanges) {
        for (PreparedProof p : vc.prepared()) {
          PrePrepare pp = p.prePrepare();
          if (pp.sequence() == s && (best == null || pp.view() > best.view())) {
            best = pp;
          }
        }
      }
      Digest digest = best == null ? Batch.nullRequest().digest() : best.digest();
      prePrepares.add(new PrePrepare(view, s, digest, null, primary, null));
    }
    return new NewViewPlan(view, minS, proof, prePrepares, List.copyOf(viewChanges));
  }

  /**
   * Replicas that vouched in V for the batch {@code digest} at {@code sequence}: the senders of
   * VIEW-CHANGEs whose certificate names it, then the signers of those certificates. Each held the
   * batch when it signed (a backup PREPAREs only a batch it holds), so at least one correct replica
   * among them has it unless a stable checkpoint has made it unnecessary.
   */
  List<Integer> vouchers(long sequence, Digest digest) {
    List<Integer> senders = new ArrayList<>();
    List<Integer> signers = new ArrayList<>();
    for (ViewChange vc : viewChanges) {
      for (PreparedProof p : vc.prepared()) {
        if (p.prePrepare().sequence() == sequence && p.prePrepare().digest().equals(digest)) {
          senders.add(vc.sender());
          p.prepares().forEach(prepare -> signers.add(prepare.sender()));
          signers.add(p.prePrepare().sender());
        }
      }
    }
    senders.addAll(signers);
    return senders;
  }

  /**
   * Whether a primary's claimed PRE-PREPAREs are exactly this plan's (view, sequence, digest, and
   * signed by the new primary: one signed by a colluder would be accepted into a slot whose
   * certificate can never validate).
   */
  boolean matches(List<PrePrepare> claimed) {
    if (claimed.size() != prePrepares.size()) {
      return false;
    }
    for (int i = 0; i < claimed.size(); i++) {
      PrePrepare a = claimed.get(i);
      PrePrepare b = prePrepares.get(i);
      if (a.view() != b.view() || a.sequence() != b.sequence() || a.sender() != b.sender()
          || !a.digest().equals(b.digest())) {
        return false;
      }
    }
    return true;
  }

  long maxSequence() {
    return prePrepares.isEmpty() ? minSequence : prePrepares.get(prePrepares.size() - 1).sequence();
  }
}
