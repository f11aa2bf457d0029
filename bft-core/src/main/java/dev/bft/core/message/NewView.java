package dev.bft.core.message;

import java.util.List;

/** The primary of {@code view} starts it with 2f+1 VIEW-CHANGEs and the re-issued PRE-PREPAREs. */
public record NewView(long view, List<ViewChange> viewChanges, List<PrePrepare> prePrepares,
                      int sender, WireForm wire) implements ReplicaMessage {
  public NewView {
    viewChanges = List.copyOf(viewChanges);
    prePrepares = List.copyOf(prePrepares);
  }

  @Override
  public MessageType type() {
    return MessageType.NEW_VIEW;
  }
}
