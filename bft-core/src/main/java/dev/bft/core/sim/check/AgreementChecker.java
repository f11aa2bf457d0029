package dev.bft.core.sim.check;

import dev.bft.core.sim.InvariantViolation;
import dev.bft.crypto.Digest;
import java.util.HashMap;
import java.util.Map;

/** Agreement: no two correct replicas execute different batches at the same sequence number. */
public final class AgreementChecker {
  private record Executed(int replica, Digest digest) {}

  private final Map<Long, Executed> bySequence = new HashMap<>();

  public void onExecuted(int replica, long sequence, Digest batchDigest) {
    Executed first = bySequence.putIfAbsent(sequence, new Executed(replica, batchDigest));
    if (first != null && !first.digest().equals(batchDigest)) {
      throw new InvariantViolation("agreement", "at sequence " + sequence + " replica " + first.replica()
          + " executed batch " + first.digest() + " but replica " + replica + " executed " + batchDigest);
    }
  }

  /** Forgets sequences at or below a point every correct replica has passed, to bound memory. */
  public void forgetUpTo(long sequence) {
    bySequence.keySet().removeIf(s -> s <= sequence);
  }
}
