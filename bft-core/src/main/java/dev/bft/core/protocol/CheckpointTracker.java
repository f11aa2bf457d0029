package dev.bft.core.protocol;

import dev.bft.core.message.Checkpoint;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * CHECKPOINT votes per sequence number (at most one per sender) and the stable checkpoint with its
 * proof. Only sequence numbers that are multiples of K inside the window are kept, so memory is
 * bounded by (L / K) * n votes.
 */
final class CheckpointTracker {
  private final Quorum quorum;
  private final NavigableMap<Long, Checkpoint[]> votes = new TreeMap<>();
  private long stableSequence;
  private List<Checkpoint> stableProof = List.of();
  private Checkpoint ownStable;

  CheckpointTracker(Quorum quorum, long stableSequence, List<Checkpoint> stableProof) {
    this.quorum = quorum;
    this.stableSequence = stableSequence;
    this.stableProof = List.copyOf(stableProof);
  }

  long stableSequence() {
    return stableSequence;
  }

  List<Checkpoint> stableProof() {
    return stableProof;
  }

  /** Records a vote; false if the sender already voted at that sequence. */
  boolean add(Checkpoint c) {
    Checkpoint[] at = votes.computeIfAbsent(c.sequence(), s -> new Checkpoint[quorum.n()]);
    if (at[c.sender()] != null) {
      return false;
    }
    at[c.sender()] = c;
    return true;
  }

  /** The 2f + 1 matching votes for {@code (sequence, digest)}, or null if there are not enough yet. */
  List<Checkpoint> proofFor(long sequence, Digest digest) {
    Checkpoint[] at = votes.get(sequence);
    if (at == null) {
      return null;
    }
    List<Checkpoint> matching = new ArrayList<>(quorum.certificate());
    for (Checkpoint c : at) {
      if (c != null && c.stateDigest().equals(digest)) {
        matching.add(c);
      }
    }
    return matching.size() >= quorum.certificate() ? matching.subList(0, quorum.certificate()) : null;
  }

  /** The digest that 2f + 1 replicas agree on at {@code sequence}, if any. */
  Digest agreedDigest(long sequence) {
    Checkpoint[] at = votes.get(sequence);
    if (at == null) {
      return null;
    }
    for (Checkpoint c : at) {
      if (c != null && proofFor(sequence, c.stateDigest()) != null) {
        return c.stateDigest();
      }
    }
    return null;
  }

  Checkpoint voteOf(int replica, long sequence) {
    Checkpoint[] at = votes.get(sequence);
    return at == null ? null : at[replica];
  }

  /**
   * Records stability and forgets older votes, keeping this replica's own vote at the new stable
   * point: a peer that lost the votes needs it to stabilise the same checkpoint.
   */
  void makeStable(long sequence, List<Checkpoint> proof, Checkpoint own) {
    stableSequence = sequence;
    stableProof = List.copyOf(proof);
    ownStable = own;
    votes.headMap(sequence, true).clear();
  }

  Checkpoint ownStable() {
    return ownStable;
  }

  /** This replica's own votes above the stable checkpoint, in sequence order. */
  List<Checkpoint> ownPending(int me) {
    List<Checkpoint> out = new ArrayList<>();
    for (Checkpoint[] at : votes.values()) {
      if (at[me] != null) {
        out.add(at[me]);
      }
    }
    return out;
  }

  int pendingSequences() {
    return votes.size();
  }
}
