package dev.bft.core.protocol;

import dev.bft.crypto.Digest;

/**
 * Which requests end the epoch (docs/reconfiguration.md). The replica asks at execution, so every
 * correct replica decides alike: an implementation is a pure function of the epoch's configuration
 * and the request, with the administrators' signatures already checked where requests are decoded.
 */
public interface Epochs {
  /** A cluster that cannot be reconfigured: every request goes to the service. */
  Epochs NONE = new Epochs() {
    @Override
    public long epoch() {
      return 0;
    }

    @Override
    public boolean administrator(int client) {
      return false;
    }

    @Override
    public Verdict check(int client, byte[] operation) {
      return null;
    }
  };

  /** The epoch this replica runs. */
  long epoch();

  /** Where the epoch starts: its first stable checkpoint, proven without CHECKPOINTs of its own (0 in epoch 0). */
  default long startSequence() {
    return 0;
  }

  /** The checkpoint digest at {@link #startSequence()}. */
  default Digest startState() {
    return Digest.ZERO;
  }

  /** Whether {@code client} is an administrator, whose requests are reconfigurations and never reach the service. */
  boolean administrator(int client);

  /** What an administrator's request does: null for any other client's. */
  Verdict check(int client, byte[] operation);

  /** What executing an administrator's request does. */
  sealed interface Verdict permits Answer, Ends {}

  /** It changes nothing: {@code result} is its reply (a refusal and why, or an answer such as CHECK-EPOCH's). */
  record Answer(byte[] result) implements Verdict {}

  /** It ends the epoch; the next one runs the configuration of digest {@code next}. */
  record Ends(Digest next) implements Verdict {}
}
