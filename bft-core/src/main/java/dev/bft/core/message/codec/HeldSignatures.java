package dev.bft.core.message.codec;

import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.SignedItem;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.List;

/**
 * The signatures embedded in a VIEW-CHANGE or NEW-VIEW, collected while it is parsed and checked
 * only once its shape and its own signature are: a frame refused for its shape has cost no
 * signature check. They are all replicas' (CHECKPOINTs, PRE-PREPAREs, PREPAREs, VIEW-CHANGEs) and
 * are checked by one batch equation. Certificates carried client requests once, inside their
 * PRE-PREPAREs, and those were checked after the replicas' signatures; PRE-PREPAREs inside
 * certificates now name their batches by digest only, and a batch beside an embedded PRE-PREPARE
 * is refused before any signature, so no client signature is ever held.
 */
final class HeldSignatures {
  private final List<SignedItem> replicas = new ArrayList<>();

  void add(SignedItem item) {
    replicas.add(item);
  }

  /** Whether all verify. */
  boolean verify(VerificationTally tally) {
    return SignatureBatch.allValid(replicas, tally);
  }
}
