package dev.bft.core.sim;

/** A checker found a run that breaks one of the invariants of docs/protocol.md ("What the protocol guarantees"). */
public final class InvariantViolation extends AssertionError {
  public InvariantViolation(String invariant, String detail) {
    super(invariant + " violated: " + detail);
  }
}
