package dev.bft.core.protocol;

import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one replica knows about one sequence number in the current view: the accepted
 * PRE-PREPARE, at most one PREPARE and one COMMIT per sender (the first; a second, different one
 * from the same sender is equivocation and is ignored), and where the slot stands.
 *
 * <p>Messages may arrive before the PRE-PREPARE; they wait here and count once it arrives.
 */
final class SequenceSlot {
  final long sequence;
  private final Quorum quorum;
  private PrePrepare prePrepare;
  private final Prepare[] prepares;
  private final Commit[] commits;
  private boolean prepared;
  private boolean committed;

  SequenceSlot(long sequence, Quorum quorum) {
    this.sequence = sequence;
    this.quorum = quorum;
    this.prepares = new Prepare[quorum.n()];
    this.commits = new Commit[quorum.n()];
  }

  PrePrepare prePrepare() {
    return prePrepare;
  }

  /** Replica checks, as an invariant, that {@code pp} comes from the primary and keeps the slot's digest. */
  void accept(PrePrepare pp) {
    prePrepare = pp;
  }

  /** Records a PREPARE; false when this sender already sent one for this slot. */
  boolean add(Prepare p) {
    if (prepares[p.sender()] != null) {
      return false;
    }
    prepares[p.sender()] = p;
    return true;
  }

  boolean add(Commit c) {
    if (commits[c.sender()] != null) {
      return false;
    }
    commits[c.sender()] = c;
    return true;
  }

  Prepare prepareFrom(int replica) {
    return prepares[replica];
  }

  Commit commitFrom(int replica) {
    return commits[replica];
  }

  /** PREPAREs from distinct backups that match the accepted PRE-PREPARE's view and digest. */
  List<Prepare> matchingPrepares() {
    List<Prepare> out = new ArrayList<>(quorum.n());
    if (prePrepare == null) {
      return out;
    }
    int primary = quorum.primary(prePrepare.view());
    Digest d = prePrepare.digest();
    for (Prepare p : prepares) {
      if (p != null && p.sender() != primary && p.view() == prePrepare.view() && p.digest().equals(d)) {
        out.add(p);
      }
    }
    return out;
  }

  int matchingCommitCount() {
    if (prePrepare == null) {
      return 0;
    }
    int count = 0;
    Digest d = prePrepare.digest();
    for (Commit c : commits) {
      if (c != null && c.view() == prePrepare.view() && c.digest().equals(d)) {
        count++;
      }
    }
    return count;
  }

  /** prepared(v, s, d): the PRE-PREPARE and 2f matching PREPAREs from distinct backups. */
  boolean checkPrepared() {
    if (!prepared && prePrepare != null && matchingPrepares().size() >= quorum.prepares()) {
      prepared = true;
    }
    return prepared;
  }

  /** committed-local(v, s, d): prepared and 2f + 1 matching COMMITs from distinct replicas. */
  boolean checkCommitted() {
    if (!committed && checkPrepared() && matchingCommitCount() >= quorum.certificate()) {
      committed = true;
    }
    return committed;
  }

  boolean isPrepared() {
    return prepared;
  }

  boolean isCommitted() {
    return committed;
  }
}
