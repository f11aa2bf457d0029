package dev.bft.core.sim.check;

import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import java.util.HashSet;
import java.util.Set;

/** Validity: every executed operation was issued (and signed) by its client; nothing else executes. */
public final class ValidityChecker {
  private final Set<Digest> issued = new HashSet<>();

  public void issued(Digest requestDigest) {
    issued.add(requestDigest);
  }

  public void onExecuted(int replica, int clientId, long requestNumber, Digest requestDigest) {
    if (!issued.contains(requestDigest)) {
      throw new InvariantViolation("validity", "replica " + replica + " executed request " + requestNumber
          + " of client " + clientId + " (" + requestDigest + ") that the client never issued");
    }
  }
}
