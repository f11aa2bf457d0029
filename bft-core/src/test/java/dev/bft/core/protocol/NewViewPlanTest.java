package dev.bft.core.protocol;

import static dev.bft.core.protocol.ReplicaFixture.Q;
import static dev.bft.core.protocol.ReplicaFixture.batch;
import static dev.bft.core.protocol.ReplicaFixture.checkpoint;
import static dev.bft.core.protocol.ReplicaFixture.prePrepare;
import static dev.bft.core.protocol.ReplicaFixture.prepare;
import static dev.bft.core.protocol.ReplicaFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.ViewChange;
import dev.bft.crypto.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The O set of NEW-VIEW (docs/protocol.md, View change), computed from hand-built VIEW-CHANGEs. */
class NewViewPlanTest {
  static final Batch A = batch(request(1000, 1));
  static final Batch B = batch(request(1001, 1));

  /** A prepared certificate for (view, seq, batch) with PREPAREs from the backups of that view. */
  static PreparedProof cert(long view, long seq, Batch batch) {
    PrePrepare pp = prePrepare(view, seq, batch);
    int primary = Q.primary(view);
    List<dev.bft.core.message.Prepare> prepares = java.util.stream.IntStream.range(0, 4)
        .filter(i -> i != primary).limit(2).mapToObj(i -> prepare(view, seq, batch.digest(), i)).toList();
    return new PreparedProof(pp, prepares);
  }

  static List<Checkpoint> proof(long seq, Digest d) {
    return List.of(checkpoint(seq, d, 0), checkpoint(seq, d, 1), checkpoint(seq, d, 2));
  }

  static ViewChange vc(int from, long stable, List<PreparedProof> prepared) {
    return new ViewChange(1, stable, stable == 0 ? List.of() : proof(stable, Digest.ZERO), prepared, from, null);
  }

  @Test
  void noPreparedCertificatesMeansAnEmptyO() {
    NewViewPlan plan = NewViewPlan.compute(1, List.of(vc(0, 0, List.of()), vc(2, 0, List.of()), vc(3, 0, List.of())), Q);
    assertThat(plan.prePrepares()).isEmpty();
    assertThat(plan.minSequence()).isZero();
  }

  @Test
  void theHighestViewCertificateWinsAndGapsBecomeNullRequests() {
    NewViewPlan plan = NewViewPlan.compute(5, List.of(
        vc(0, 0, List.of(cert(0, 1, A), cert(0, 3, A))),
        vc(2, 0, List.of(cert(2, 1, B))),
        vc(3, 0, List.of())), Q);
    assertThat(plan.prePrepares()).extracting(PrePrepare::sequence).containsExactly(1L, 2L, 3L);
    assertThat(plan.prePrepares()).allSatisfy(pp -> {
      assertThat(pp.view()).isEqualTo(5);
      assertThat(pp.sender()).isEqualTo(Q.primary(5));
    });
    assertThat(plan.prePrepares().get(0).digest()).as("view 2 beats view 0").isEqualTo(B.digest());
    assertThat(Batch.isNullRequest(plan.prePrepares().get(1).digest())).as("nobody prepared 2").isTrue();
    assertThat(plan.prePrepares().get(2).digest()).isEqualTo(A.digest());
    assertThat(plan.prePrepares()).as("O names batches by digest only").noneMatch(PrePrepare::hasBatch);
  }

  @Test
  void certificatesNameTheirBatchByDigestOnly() {
    PreparedCertificate c = PreparedCertificate.validate(cert(0, 1, A), Q);
    assertThat(c.toProof().prePrepare().hasBatch()).isFalse();
    assertThat(c.toProof().prePrepare().digest()).isEqualTo(A.digest());
    PrePrepare byDigest = cert(0, 1, A).prePrepare().withoutBatch();
    assertThat(PreparedCertificate.validate(byDigest, cert(0, 1, A).prepares(), Q))
        .as("a certificate is checked without its batch").isNotNull();
  }

  @Test
  void theVouchersOfABatchAreTheReplicasWhoseCertificatesNameItThenTheirSigners() {
    NewViewPlan plan = NewViewPlan.compute(1, List.of(
        vc(3, 0, List.of(cert(0, 1, A))),
        vc(2, 0, List.of(cert(0, 2, B))),
        vc(1, 0, List.of())), Q);
    // cert(0, 1, A) is signed by primary 0 and prepared by backups 1 and 2.
    assertThat(plan.vouchers(1, A.digest())).startsWith(3).contains(0, 1, 2);
    assertThat(plan.vouchers(1, B.digest())).as("another digest at 1: nobody").isEmpty();
    assertThat(plan.vouchers(2, B.digest())).startsWith(2);
  }

  @Test
  void theHighestStableCheckpointBoundsOFromBelow() {
    NewViewPlan plan = NewViewPlan.compute(1, List.of(
        vc(0, 4, List.of(cert(0, 5, A))),
        vc(2, 0, List.of(cert(0, 3, B), cert(0, 5, A))),
        vc(3, 8, List.of())), Q);
    assertThat(plan.minSequence()).isEqualTo(8);
    assertThat(plan.prePrepares()).as("everything at or below min-s is covered by the checkpoint").isEmpty();
  }

  @Test
  void aPlanOnlyMatchesTheSamePrePreparesInTheSameOrder() {
    List<ViewChange> vcs = List.of(vc(0, 0, List.of(cert(0, 1, A), cert(0, 2, B))), vc(2, 0, List.of()), vc(3, 0, List.of()));
    NewViewPlan plan = NewViewPlan.compute(1, vcs, Q);
    assertThat(plan.matches(plan.prePrepares())).isTrue();
    assertThat(plan.matches(List.of(plan.prePrepares().get(0)))).as("one missing").isFalse();
    assertThat(plan.matches(List.of(plan.prePrepares().get(1), plan.prePrepares().get(0)))).as("reordered").isFalse();
    PrePrepare swapped = new PrePrepare(1, 2, A, 1, null);
    assertThat(plan.matches(List.of(plan.prePrepares().get(0), swapped))).as("another batch").isFalse();
  }

  @Test
  void certificatesThatDoNotProveAnythingAreRejected() {
    ViewChangeValidator validator = new ViewChangeValidator(new ReplicaConfig(Q, 0, 4, 5, 2, 4, 8, 100));
    assertThat(validator.isValid(vc(0, 0, List.of(cert(0, 1, A))))).isTrue();
    PreparedProof tooFew = new PreparedProof(prePrepare(0, 1, A), List.of(prepare(0, 1, A.digest(), 1)));
    PreparedProof primaryPrepares = new PreparedProof(prePrepare(0, 1, A),
        List.of(prepare(0, 1, A.digest(), 0), prepare(0, 1, A.digest(), 1)));
    PreparedProof sameSenderTwice = new PreparedProof(prePrepare(0, 1, A),
        List.of(prepare(0, 1, A.digest(), 1), prepare(0, 1, A.digest(), 1)));
    PreparedProof wrongDigest = new PreparedProof(prePrepare(0, 1, A),
        List.of(prepare(0, 1, B.digest(), 1), prepare(0, 1, B.digest(), 2)));
    PreparedProof notFromPrimary = new PreparedProof(new PrePrepare(0, 1, A, 3, null),
        List.of(prepare(0, 1, A.digest(), 1), prepare(0, 1, A.digest(), 2)));
    for (PreparedProof forged : List.of(tooFew, primaryPrepares, sameSenderTwice, wrongDigest, notFromPrimary)) {
      assertThat(validator.isValid(vc(0, 0, List.of(forged)))).as(forged.toString()).isFalse();
    }
    assertThat(validator.isValid(vc(0, 0, List.of(cert(1, 1, A))))).as("certificate from the new view itself").isFalse();
    assertThat(validator.isValid(vc(0, 0, List.of(cert(0, 9, A))))).as("beyond the window above the checkpoint").isFalse();
  }

  @Test
  void aViewChangeWithoutAValidCheckpointProofIsRejected() {
    ViewChangeValidator validator = new ViewChangeValidator(new ReplicaConfig(Q, 0, 4, 5, 2, 4, 8, 100));
    Digest d = Digest.sha256(new byte[] {1});
    assertThat(validator.isValid(new ViewChange(1, 4, proof(4, d), List.of(), 0, null))).isTrue();
    assertThat(validator.isValid(new ViewChange(1, 4, proof(4, d).subList(0, 2), List.of(), 0, null))).as("2f").isFalse();
    assertThat(validator.isValid(new ViewChange(1, 4,
        List.of(checkpoint(4, d, 0), checkpoint(4, d, 1), checkpoint(4, Digest.ZERO, 2)), List.of(), 0, null)))
        .as("mismatched digests").isFalse();
    assertThat(validator.isValid(new ViewChange(1, 4,
        List.of(checkpoint(4, d, 0), checkpoint(4, d, 0), checkpoint(4, d, 2)), List.of(), 0, null)))
        .as("a sender counted twice").isFalse();
    assertThat(validator.isValid(new ViewChange(1, 8, proof(4, d), List.of(), 0, null))).as("proof of another sequence").isFalse();
    assertThat(validator.isValid(new ViewChange(1, 3, List.of(), List.of(), 0, null))).as("not a checkpoint").isFalse();
  }
}
