package dev.bft.core.message.codec;

import static dev.bft.core.message.codec.Fields.nonNegative;

import com.google.protobuf.ByteString;
import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Request;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.wire.BatchBody;
import dev.bft.core.message.wire.BatchReplyBody;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The batches of client requests that travel on the wire: beside a top-level PRE-PREPARE's signed
 * body (Envelope.batch), and in a BATCH answering a FETCH-BATCH. Nothing else carries requests: a
 * PRE-PREPARE inside a VIEW-CHANGE or NEW-VIEW names its batch by digest only, so certificates hold
 * no client signatures and their size does not grow with what the batches hold.
 *
 * <p>A batch is bounded and parsed whole before any client signature in it is checked: its request
 * count against the limit, its R hints against its requests, each REQUEST envelope by the decoder
 * (whose signature is only collected). A PRE-PREPARE's batch must then have the digest the primary
 * signed, so a batch swapped in transit costs no client signature. Last, the client signatures are
 * checked by one batch equation, or join the verification group's when the frame is in one.
 */
final class BatchBodies {
  /** Opens one embedded REQUEST envelope; its signature is collected in the budget, not checked. */
  interface Requests {
    Request open(ByteString envelope, Budget budget) throws Reject;
  }

  private final WireLimits limits;
  private final VerificationTally tally;
  private final Requests requests;
  private final Consumer<Digest> remember;

  BatchBodies(WireLimits limits, VerificationTally tally, Requests requests, Consumer<Digest> remember) {
    this.limits = limits;
    this.tally = tally;
    this.requests = requests;
    this.remember = remember;
  }

  /**
   * A top-level PRE-PREPARE with the batch that travelled beside its signed body: taken only if its
   * digest, computed here from the requests received, is the one the primary signed.
   */
  PrePrepare withBatch(PrePrepare pp, BatchBody body, Budget budget) throws Reject {
    return pp.withBatch(batch(body, pp, budget));
  }

  /**
   * A BATCH reply. Any replica may serve it and the decoder does not know what was asked: the asker
   * compares its digest with the one it wants (BatchFetcher), and drops and counts one that differs.
   */
  BatchReply reply(BatchReplyBody r, int sender, WireForm wire, Budget budget) throws Reject {
    long sequence = Fields.positive(r.getSequence(), "sequence");
    if (!r.hasBatch()) {
      throw new Reject(Rejection.MISSING_FIELD, "BATCH without its batch");
    }
    return new BatchReply(sequence, batch(r.getBatch(), null, budget), sender, wire);
  }

  /** A batch, its digest checked against what {@code signed} names (unless null) before its client signatures. */
  private Batch batch(BatchBody p, PrePrepare signed, Budget budget) throws Reject {
    if (p.getRequestsCount() > limits.maxBatchRequests()) {
      throw new Reject(Rejection.TOO_LARGE, p.getRequestsCount() + " requests in one batch");
    }
    int hints = p.getRequestRXCount();
    if (hints != 0 && hints != p.getRequestsCount()) {
      throw new Reject(Rejection.MALFORMED, hints + " R hints for " + p.getRequestsCount() + " requests");
    }
    // The requests' signatures join what is collected already (a verification group's), else are
    // checked together here. A batch is never inside a certificate (the envelope check refuses one
    // beside an embedded PRE-PREPARE), so no held signatures are in play; the test is defensive.
    boolean own = budget.deferred == null && budget.held == null;
    if (own) {
      budget.deferred = new ArrayList<>(p.getRequestsCount());
      budget.deferredCacheKeys = new ArrayList<>(p.getRequestsCount());
    }
    try {
      List<Request> list = new ArrayList<>(p.getRequestsCount());
      for (int i = 0; i < p.getRequestsCount(); i++) {
        ByteString hint = hints == 0 ? ByteString.EMPTY : p.getRequestRX(i);
        if (!hint.isEmpty() && hint.size() != 32) {
          throw new Reject(Rejection.MALFORMED, "an R hint of " + hint.size() + " bytes");
        }
        budget.requestHint = hint.isEmpty() ? null : hint.toByteArray();
        list.add(requests.open(p.getRequests(i), budget));
        budget.requestHint = null;
      }
      Batch batch = Batch.of(list, nonNegative(p.getTimestamp(), "timestamp"));
      if (signed != null && !batch.digest().equals(signed.digest())) {
        throw new Reject(Rejection.MALFORMED, "PRE-PREPARE for sequence " + signed.sequence()
            + " carries a batch other than the one its signature names");
      }
      if (own) {
        if (!SignatureBatch.allValid(budget.deferred, tally)) {
          throw new Reject(Rejection.BAD_SIGNATURE, "a client signature in the batch does not verify");
        }
        budget.deferredCacheKeys.forEach(remember);
      }
      return batch;
    } finally {
      budget.requestHint = null;
      if (own) {
        budget.deferred = null;
        budget.deferredCacheKeys = null;
      }
    }
  }
}
