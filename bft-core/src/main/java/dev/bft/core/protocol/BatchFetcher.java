package dev.bft.core.protocol;

import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.PrePrepare;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Batches by digest (docs/protocol.md, View change): certificates and NEW-VIEW name batches by digest
 * only, so a replica keeps the batches it may have to execute or serve, and fetches one that a
 * NEW-VIEW re-issues and it lacks. It holds, per sequence number in the window, the batch of the
 * last PRE-PREPARE it accepted there and that of its prepared certificate (the two differ only
 * across views), so memory stays within two batches per slot of the window.
 *
 * <p>Fetching asks one replica per missing batch at a time, those that vouched for the batch in
 * the NEW-VIEW first, and every STATUS period the next one: a peer that never answers costs a
 * period, not liveness. A reply is taken only if its batch has the digest asked for, so any
 * replica may serve it. Answers are bounded per peer and period ({@link #ANSWERS_PER_PEER_PER_PERIOD}),
 * and an asker never asks one peer for more than that in a period either; answers are bounded in bytes
 * too ({@link #ANSWER_BYTES_PER_PEER_PER_PERIOD}).
 */
final class BatchFetcher {
  /**
   * FETCH-BATCHes answered per peer and STATUS period: a Byzantine peer can make this replica send
   * at most this many batches (each under the batch byte budget) per period.
   */
  static final int ANSWERS_PER_PEER_PER_PERIOD = 16;
  /**
   * And batch bytes answered per peer and period beyond its first answer: half a link's outbound
   * limit (PeerLinks), so answers leave room for the normal case instead of overflowing the link
   * and being dropped there, to be asked for again, period after period.
   */
  static final long ANSWER_BYTES_PER_PEER_PER_PERIOD = 4 << 20;

  private final int me;
  private final Quorum quorum;
  private final Effects effects;
  private final DropCounters drops;
  private final NavigableMap<Long, Batch> accepted = new TreeMap<>();
  private final NavigableMap<Long, Batch> certified = new TreeMap<>();
  private final NavigableMap<Long, Wanted> wanted = new TreeMap<>();
  private final int[] answered;
  private final long[] answeredBytes;
  private long stable;

  /** A batch this replica needs at {@code sequence}, and whom it asks, in order. */
  private static final class Wanted {
    final Digest digest;
    final int[] candidates;
    int next;

    Wanted(Digest digest, int[] candidates) {
      this.digest = digest;
      this.candidates = candidates;
    }
  }

  BatchFetcher(int me, Quorum quorum, Effects effects, DropCounters drops, long stable) {
    this.me = me;
    this.quorum = quorum;
    this.effects = effects;
    this.drops = drops;
    this.answered = new int[quorum.n()];
    this.answeredBytes = new long[quorum.n()];
    this.stable = stable;
  }

  /** A PRE-PREPARE this replica accepted or issued, with its batch. */
  void accepted(PrePrepare pp) {
    if (pp.hasBatch() && pp.sequence() > stable) {
      accepted.put(pp.sequence(), pp.batch());
    }
  }

  /** This replica's prepared certificate at {@code sequence} is now for this batch (null: not held). */
  void certified(long sequence, Batch batch) {
    if (batch != null && sequence > stable) {
      certified.put(sequence, batch);
    }
  }

  /** The batch with {@code digest} at {@code sequence} if held here; the null request always is. */
  Batch find(long sequence, Digest digest) {
    if (Batch.isNullRequest(digest)) {
      return Batch.nullRequest();
    }
    Batch a = accepted.get(sequence);
    if (a != null && a.digest().equals(digest)) {
      return a;
    }
    Batch c = certified.get(sequence);
    return c != null && c.digest().equals(digest) ? c : null;
  }

  /**
   * This replica lacks the batch with {@code digest} at {@code sequence}: it will ask
   * {@code vouchers} (replicas whose certificates name it) first, then every other replica. The
   * asking happens in {@link #ask}.
   */
  void want(long sequence, Digest digest, List<Integer> vouchers) {
    List<Integer> order = new ArrayList<>(quorum.n());
    for (int v : vouchers) {
      if (v != me && quorum.isReplica(v) && !order.contains(v)) {
        order.add(v);
      }
    }
    for (int r = 0; r < quorum.n(); r++) {
      if (r != me && !order.contains(r)) {
        order.add(r);
      }
    }
    wanted.put(sequence, new Wanted(digest, order.stream().mapToInt(Integer::intValue).toArray()));
  }

  boolean isWanted(long sequence) {
    return wanted.containsKey(sequence);
  }

  /** Asks for every missing batch, each of the next replica in its order, at most the answer budget per replica. */
  void ask() {
    int[] asked = new int[quorum.n()];
    for (Map.Entry<Long, Wanted> e : wanted.entrySet()) {
      Wanted w = e.getValue();
      for (int tries = 0; tries < w.candidates.length; tries++) {
        int at = (w.next + tries) % w.candidates.length;
        int peer = w.candidates[at];
        if (asked[peer] < ANSWERS_PER_PEER_PER_PERIOD) {
          asked[peer]++;
          w.next = at + 1;
          effects.send(peer, new FetchBatch(e.getKey(), w.digest, me, null));
          break;
        }
      }
    }
  }

  /** The batch a reply brings, if this replica asked for exactly it; else null (dropped and counted). */
  Batch onReply(BatchReply reply) {
    Wanted w = wanted.get(reply.sequence());
    if (w == null) {
      drops.count(DropReason.UNSOLICITED_BATCH);
      return null;
    }
    if (!reply.batch().digest().equals(w.digest)) {
      drops.count(DropReason.BATCH_MISMATCH);
      return null;
    }
    wanted.remove(reply.sequence());
    return reply.batch();
  }

  /** Serves a peer's FETCH-BATCH from the batches held here, within its budget for the period. */
  void onFetch(FetchBatch fetch) {
    Batch batch = find(fetch.sequence(), fetch.digest());
    if (batch == null) {
      drops.count(DropReason.UNKNOWN_BATCH);
    } else if (answered[fetch.sender()] >= ANSWERS_PER_PEER_PER_PERIOD
        || answered[fetch.sender()] > 0 && answeredBytes[fetch.sender()] >= ANSWER_BYTES_PER_PEER_PER_PERIOD) {
      drops.count(DropReason.FETCH_OVER_BUDGET);
    } else {
      answered[fetch.sender()]++;
      answeredBytes[fetch.sender()] += RequestQueue.encodedBytes(batch);
      effects.send(fetch.sender(), new BatchReply(fetch.sequence(), batch, me, null));
    }
  }

  /** A STATUS period passed: budgets start again, and what is still missing is asked of the next replica. */
  void newPeriod() {
    Arrays.fill(answered, 0);
    Arrays.fill(answeredBytes, 0);
    ask();
  }

  /** A view change: the slots that wanted batches are gone; the next NEW-VIEW says what is needed. */
  void stopWanting() {
    wanted.clear();
  }

  /** A checkpoint at {@code sequence} is stable: nothing at or below it is executed or served again. */
  void forgetUpTo(long sequence) {
    stable = Math.max(stable, sequence);
    accepted.headMap(sequence, true).clear();
    certified.headMap(sequence, true).clear();
    wanted.headMap(sequence, true).clear();
  }

  int heldBatches() {
    return accepted.size() + certified.size();
  }

  int wantedBatches() {
    return wanted.size();
  }
}
