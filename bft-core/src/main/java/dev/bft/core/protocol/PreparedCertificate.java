package dev.bft.core.protocol;

import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Proof that a batch prepared at sequence s in view v: the primary's PRE-PREPARE and 2f PREPAREs
 * from distinct backups that match it, the batch named by its digest (the primary signed the
 * digest, so the certificate is checked without the batch). It can only be built valid; anything a Byzantine replica
 * claims to be a certificate goes through {@link #validate}.
 */
public final class PreparedCertificate {
  private final PrePrepare prePrepare;
  private final List<Prepare> prepares;

  private PreparedCertificate(PrePrepare prePrepare, List<Prepare> prepares) {
    // A certificate is about the digest: its batch stays with BatchFetcher, and the proof travels small.
    this.prePrepare = prePrepare.withoutBatch();
    this.prepares = List.copyOf(prepares);
  }

  /** The certificate these messages form, or null if they do not form one. */
  public static PreparedCertificate validate(PrePrepare pp, Collection<Prepare> prepares, Quorum quorum) {
    if (pp == null || prepares == null || pp.sender() != quorum.primary(pp.view()) || pp.view() < 0) {
      return null;
    }
    boolean[] seen = new boolean[quorum.n()];
    List<Prepare> matching = new ArrayList<>(quorum.prepares());
    for (Prepare p : prepares) {
      if (p == null || !quorum.isReplica(p.sender()) || p.sender() == pp.sender() || seen[p.sender()]
          || p.view() != pp.view() || p.sequence() != pp.sequence() || !p.digest().equals(pp.digest())) {
        return null;
      }
      seen[p.sender()] = true;
      if (matching.size() < quorum.prepares()) {
        matching.add(p);
      }
    }
    return matching.size() >= quorum.prepares() ? new PreparedCertificate(pp, matching) : null;
  }

  public static PreparedCertificate validate(PreparedProof proof, Quorum quorum) {
    return proof == null ? null : validate(proof.prePrepare(), proof.prepares(), quorum);
  }

  public long view() {
    return prePrepare.view();
  }

  public long sequence() {
    return prePrepare.sequence();
  }

  public Digest digest() {
    return prePrepare.digest();
  }

  public PreparedProof toProof() {
    return new PreparedProof(prePrepare, prepares);
  }

  @Override
  public String toString() {
    return "PreparedCertificate[v=" + view() + ", s=" + sequence() + ", d=" + digest() + "]";
  }
}
