package dev.bft.core.message;

import java.util.List;

/**
 * A prepared certificate as carried on the wire: a PRE-PREPARE and the PREPAREs that match it.
 * Its validity is not assumed: the protocol checks it (see protocol.PreparedCertificate).
 */
public record PreparedProof(PrePrepare prePrepare, List<Prepare> prepares) {
  public PreparedProof {
    prepares = List.copyOf(prepares);
  }
}
