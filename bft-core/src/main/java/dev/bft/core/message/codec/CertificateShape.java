package dev.bft.core.message.codec;

import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.wire.NewViewBody;
import dev.bft.core.message.wire.PreparedProofBody;
import dev.bft.core.message.wire.ViewChangeBody;
import dev.bft.core.protocol.Quorum;
import dev.bft.crypto.Digest;
import java.util.HashSet;
import java.util.Set;

/**
 * The shape a correct replica's VIEW-CHANGE or NEW-VIEW has in this cluster, checked before any
 * signature inside it (issue 22: up to 2^20 embedded messages, each verified before anything else
 * was looked at, let one 64 MiB frame cost tens of seconds of CPU). Counts are checked on the
 * parsed body before an embedded envelope is opened; the rest (senders, views, sequences, digests)
 * on the typed structure, whose content is not yet authenticated but costs nothing to look at.
 * The core checks the same rules again on verified messages (ViewChangeValidator, NewViewPlan);
 * this is the edge's cheap copy of them, so a frame refused here is one the core would refuse.
 *
 * <p>A PRE-PREPARE inside a certificate names its batch by digest only (its signature covers view,
 * sequence and digest), so no request count or batch is bounded here: a certificate's size and
 * signature count are those of its replicas' messages alone, whatever the batches hold. That a
 * certificate's PRE-PREPAREs carry no batch is part of its shape, refused as MALFORMED.
 */
final class CertificateShape {
  private final Quorum quorum;
  private final int checkpointInterval;
  private final long epochStart;
  private final int window;

  CertificateShape(ClusterBounds cluster) {
    this.quorum = cluster.quorum();
    this.checkpointInterval = cluster.checkpointInterval();
    this.epochStart = cluster.epochStart();
    this.window = cluster.logWindow();
  }

  /** At most n CHECKPOINTs, L prepared certificates, n - 1 PREPAREs in each. */
  void viewChangeCounts(ViewChangeBody v) throws Reject {
    Fields.atMost(v.getCheckpointProofCount(), quorum.n(), "CHECKPOINTs in a checkpoint proof");
    Fields.atMost(v.getPreparedCount(), window, "prepared certificates in a VIEW-CHANGE");
    for (PreparedProofBody p : v.getPreparedList()) {
      Fields.atMost(p.getPreparesCount(), quorum.n() - 1, "PREPAREs in a prepared certificate");
    }
  }

  /** Sent by the primary of its view, with 2f + 1 to n VIEW-CHANGEs and at most L PRE-PREPAREs. */
  void newViewCounts(NewViewBody nv, int sender) throws Reject {
    if (sender != quorum.primary(nv.getView())) {
      throw new Reject(Rejection.WRONG_SENDER, "NEW-VIEW for view " + nv.getView() + " from replica " + sender
          + ", not its primary " + quorum.primary(nv.getView()));
    }
    Fields.atMost(nv.getViewChangesCount(), quorum.n(), "VIEW-CHANGEs in a NEW-VIEW");
    if (nv.getViewChangesCount() < quorum.certificate()) {
      throw new Reject(Rejection.MALFORMED, nv.getViewChangesCount() + " VIEW-CHANGEs in a NEW-VIEW, "
          + quorum.certificate() + " needed");
    }
    Fields.atMost(nv.getPrePreparesCount(), window, "PRE-PREPAREs in a NEW-VIEW");
  }

  void viewChange(ViewChange vc) throws Reject {
    long stable = vc.stableSequence();
    if (!quorum.isReplica(vc.sender()) || stable % checkpointInterval != 0) {
      throw malformed(vc, "stable sequence " + stable + " is not a checkpoint");
    }
    boolean[] seen = new boolean[quorum.n()];
    Digest state = vc.checkpointProof().isEmpty() ? null : vc.checkpointProof().get(0).stateDigest();
    for (Checkpoint c : vc.checkpointProof()) {
      if (c.sequence() != stable || !distinct(seen, c.sender()) || !c.stateDigest().equals(state)) {
        throw malformed(vc, "checkpoint proof has a CHECKPOINT off sequence " + stable
            + ", a repeated or unknown sender, or another digest");
      }
    }
    // The epoch's start (0 in epoch 0) is proven without CHECKPOINTs of this epoch.
    if (stable != epochStart && vc.checkpointProof().size() < quorum.certificate()) {
      throw malformed(vc, "checkpoint proof of " + vc.checkpointProof().size() + " CHECKPOINTs, "
          + quorum.certificate() + " needed");
    }
    Set<Long> sequences = new HashSet<>();
    for (PreparedProof proof : vc.prepared()) {
      PrePrepare pp = proof.prePrepare();
      if (pp.view() >= vc.newView() || pp.sequence() <= stable || pp.sequence() > stable + window
          || !sequences.add(pp.sequence())) {
        throw malformed(vc, "prepared certificate for view " + pp.view() + ", sequence " + pp.sequence()
            + " is outside the view, the window or repeats a sequence");
      }
      preparedCertificate(vc, proof);
    }
  }

  private void preparedCertificate(ViewChange vc, PreparedProof proof) throws Reject {
    PrePrepare pp = proof.prePrepare();
    int primary = quorum.primary(pp.view());
    digestOnly(pp);
    if (pp.sender() != primary) {
      throw malformed(vc, "PRE-PREPARE of view " + pp.view() + " signed by " + pp.sender() + ", not its primary");
    }
    if (proof.prepares().size() < quorum.prepares()) {
      throw malformed(vc, "prepared certificate with " + proof.prepares().size() + " PREPAREs, "
          + quorum.prepares() + " needed");
    }
    boolean[] seen = new boolean[quorum.n()];
    for (Prepare p : proof.prepares()) {
      if (p.sender() == primary || !distinct(seen, p.sender()) || p.view() != pp.view()
          || p.sequence() != pp.sequence() || !p.digest().equals(pp.digest())) {
        throw malformed(vc, "PREPARE from " + p.sender() + " does not match its certificate's PRE-PREPARE"
            + " or repeats a sender");
      }
    }
  }

  /** VIEW-CHANGEs of distinct replicas for its view; re-issued PRE-PREPAREs of its primary, ascending. */
  void newView(NewView nv) throws Reject {
    boolean[] seen = new boolean[quorum.n()];
    for (ViewChange vc : nv.viewChanges()) {
      if (vc.newView() != nv.view() || !distinct(seen, vc.sender())) {
        throw new Reject(Rejection.MALFORMED, "NEW-VIEW for view " + nv.view() + " holds a VIEW-CHANGE for view "
            + vc.newView() + " or a second one from replica " + vc.sender());
      }
    }
    int primary = quorum.primary(nv.view());
    long previous = 0;
    for (PrePrepare pp : nv.prePrepares()) {
      digestOnly(pp);
      if (pp.view() != nv.view() || pp.sender() != primary || pp.sequence() <= previous) {
        throw new Reject(Rejection.MALFORMED, "NEW-VIEW for view " + nv.view() + " re-issues a PRE-PREPARE of view "
            + pp.view() + ", sequence " + pp.sequence() + " signed by " + pp.sender()
            + " (must be its primary " + primary + ", in ascending sequence)");
      }
      previous = pp.sequence();
    }
  }

  /**
   * The decoder already refuses a batch beside an embedded PRE-PREPARE when it opens the envelope,
   * before any signature; this keeps the rule in the shape too, whatever path built the message.
   */
  private static void digestOnly(PrePrepare pp) throws Reject {
    if (pp.hasBatch()) {
      throw new Reject(Rejection.MALFORMED, "PRE-PREPARE for sequence " + pp.sequence()
          + " carries its batch inside a certificate, which names batches by digest only");
    }
  }

  private boolean distinct(boolean[] seen, int sender) {
    if (!quorum.isReplica(sender) || seen[sender]) {
      return false;
    }
    seen[sender] = true;
    return true;
  }

  private static Reject malformed(ViewChange vc, String what) {
    return new Reject(Rejection.MALFORMED, "VIEW-CHANGE of replica " + vc.sender() + " for view " + vc.newView()
        + ": " + what);
  }
}
