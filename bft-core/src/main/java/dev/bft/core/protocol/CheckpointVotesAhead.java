package dev.bft.core.protocol;

import dev.bft.core.message.Checkpoint;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * CHECKPOINT votes above this replica's window: how a replica that fell behind learns that the
 * others have moved on. Each sender keeps at most {@code perSender} votes (its highest), so a
 * flood of far-future votes costs bounded memory.
 */
final class CheckpointVotesAhead {
  private final Quorum quorum;
  private final int perSender;
  private final List<NavigableMap<Long, Checkpoint>> bySender = new ArrayList<>();

  CheckpointVotesAhead(Quorum quorum, int perSender) {
    this.quorum = quorum;
    this.perSender = perSender;
    for (int i = 0; i < quorum.n(); i++) {
      bySender.add(new TreeMap<>());
    }
  }

  void add(Checkpoint c) {
    NavigableMap<Long, Checkpoint> votes = bySender.get(c.sender());
    votes.putIfAbsent(c.sequence(), c);
    while (votes.size() > perSender) {
      votes.pollFirstEntry();
    }
  }

  /** The highest checkpoint with 2f + 1 matching votes above {@code above}, as its proof; null if none. */
  List<Checkpoint> highestProven(long above) {
    TreeMap<Long, List<Checkpoint>> candidates = new TreeMap<>();
    for (NavigableMap<Long, Checkpoint> votes : bySender) {
      for (Checkpoint c : votes.tailMap(above, false).values()) {
        candidates.computeIfAbsent(c.sequence(), s -> new ArrayList<>()).add(c);
      }
    }
    for (List<Checkpoint> atSequence : candidates.descendingMap().values()) {
      for (Checkpoint c : atSequence) {
        List<Checkpoint> matching = atSequence.stream().filter(o -> o.stateDigest().equals(c.stateDigest())).toList();
        if (matching.size() >= quorum.certificate()) {
          return matching.subList(0, quorum.certificate());
        }
      }
    }
    return null;
  }

  void forgetUpTo(long sequence) {
    for (NavigableMap<Long, Checkpoint> votes : bySender) {
      votes.headMap(sequence, true).clear();
    }
  }

  static Digest digestOf(List<Checkpoint> proof) {
    return proof.get(0).stateDigest();
  }
}
