package dev.bft.core.message;

import java.util.List;

/**
 * The sender moves to {@code newView}. It proves its stable checkpoint {@code stableSequence} with
 * {@code checkpointProof} (2f+1 CHECKPOINTs; empty for the initial checkpoint 0) and lists, for
 * every sequence above it that prepared locally, the prepared certificate of the highest view.
 */
public record ViewChange(long newView, long stableSequence, List<Checkpoint> checkpointProof,
                         List<PreparedProof> prepared, int sender, WireForm wire)
    implements ReplicaMessage {
  public ViewChange {
    checkpointProof = List.copyOf(checkpointProof);
    prepared = List.copyOf(prepared);
  }

  @Override
  public MessageType type() {
    return MessageType.VIEW_CHANGE;
  }
}
