package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * What an application implements to be replicated. Every method is deterministic: replicas that
 * start in the same state and execute the same operations in the same order reach the same state
 * and return the same results.
 */
public interface ReplicatedService {
  /** Executes an ordered operation. Garbage from a (signed) Byzantine client yields an error result, never an exception. */
  byte[] execute(byte[] operation, ExecutionContext ctx);

  /** Executes an operation against the current state without changing it. */
  byte[] executeReadOnly(byte[] operation);

  /** The digest of the whole state, maintained incrementally. */
  Digest stateDigest();
}
