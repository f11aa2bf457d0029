package dev.bft.core.message.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.RequestDigests;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.wire.BatchBody;
import dev.bft.core.message.wire.BatchReplyBody;
import dev.bft.core.message.wire.CheckpointBody;
import dev.bft.core.message.wire.CommitBody;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.FetchBatchBody;
import dev.bft.core.message.wire.FetchBody;
import dev.bft.core.message.wire.HelloBody;
import dev.bft.core.message.wire.NewViewBody;
import dev.bft.core.message.wire.PrePrepareBody;
import dev.bft.core.message.wire.PrepareBody;
import dev.bft.core.message.wire.PreparedProofBody;
import dev.bft.core.message.wire.ReplyBody;
import dev.bft.core.message.wire.RequestBody;
import dev.bft.core.message.wire.StateBody;
import dev.bft.core.message.wire.StatusBody;
import dev.bft.core.message.wire.ViewChangeBody;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.SignedItem;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Predicate;

/**
 * Frames to verified messages. Total: {@link #decode} returns a {@link DecodeResult} for every
 * byte string. Every envelope, embedded ones included, is checked for version, type, a configured
 * sender and its signature over the exact body bytes received.
 */
public final class MessageDecoder {
  public static final int VERSION = 1;
  private static final int MAX_DEPTH = 5;
  /** Top-level messages whose signature {@link #decodeAll} checks with the rest of its group (all small, no certificates inside). */
  private static final java.util.Set<MessageType> DEFERRABLE = java.util.EnumSet.of(MessageType.PRE_PREPARE,
      MessageType.PREPARE, MessageType.COMMIT, MessageType.CHECKPOINT, MessageType.STATUS);

  private final KeyDirectory keys;
  private final WireLimits limits;
  private final VerifiedSignatures verifiedRequests;
  private final VerifiedSignatures verifiedReplyRoots = new VerifiedSignatures(4096);
  private final VerificationTally tally = new VerificationTally();

  public MessageDecoder(KeyDirectory keys, WireLimits limits, VerifiedSignatures verifiedRequests) {
    this.keys = keys;
    this.limits = limits;
    this.verifiedRequests = verifiedRequests;
  }

  /** The signatures this decoder checked, and how. */
  public VerificationTally tally() {
    return tally;
  }

  /** Remembers a verified request; a decoder built without a cache verifies every time. */
  private void remember(Digest cacheKey) {
    if (verifiedRequests != null && cacheKey != null) {
      verifiedRequests.add(cacheKey);
    }
  }

  public MessageDecoder(KeyDirectory keys) {
    this(keys, WireLimits.defaults(), new VerifiedSignatures(1 << 16));
  }

  /** Decodes a frame from any sender. */
  public DecodeResult decode(byte[] frame) {
    return decode(frame, -1);
  }

  /** Decodes a frame that must come from {@code expectedSender} (the connection's authenticated peer), or -1 for any. */
  public DecodeResult decode(byte[] frame, int expectedSender) {
    return decode(frame, expectedSender, m -> true);
  }

  /**
   * As {@link #decode(byte[], int)}, but a top-level PREPARE, COMMIT, CHECKPOINT, STATUS, REPLY or
   * VIEW-CHANGE (with its view only: empty proofs, no wire form) is first shown to
   * {@code worthVerifying} and, if refused, rejected as {@link Rejection#UNWANTED} without its
   * signature being checked: a replica drops votes outside its view and window anyway, and a
   * client needs only f + 1 matching replies, so what neither can use costs a parse, not a
   * signature check.
   */
  public DecodeResult decode(byte[] frame, int expectedSender, Predicate<Message> worthVerifying) {
    return decode(frame, expectedSender, new Budget(worthVerifying));
  }

  /**
   * Decodes many frames as {@link #decode(byte[], int, Predicate)} would one by one, but checks
   * their signatures by one batch equation: the client REQUESTs among them, the requests inside a
   * PRE-PREPARE, and the top-level signatures of PRE-PREPAREs and votes (PREPARE, COMMIT,
   * CHECKPOINT, STATUS). A replica receiving a PRE-PREPARE and the votes of several peers at once
   * verifies them a few times cheaper. A bad signature rejects only its own frame (a failing batch
   * is checked again one by one).
   */
  public List<DecodeResult> decodeAll(List<byte[]> frames, int[] expectedSenders, Predicate<Message> worthVerifying) {
    DecodeResult[] results = new DecodeResult[frames.size()];
    List<SignedItem> pending = new ArrayList<>();
    List<Integer> pendingFrame = new ArrayList<>();
    List<Digest> pendingCacheKey = new ArrayList<>();
    for (int i = 0; i < results.length; i++) {
      Budget budget = new Budget(worthVerifying);
      budget.deferred = new ArrayList<>();
      budget.deferredCacheKeys = new ArrayList<>();
      results[i] = decode(frames.get(i), expectedSenders[i], budget);
      if (results[i].accepted()) {
        for (int j = 0; j < budget.deferred.size(); j++) {
          pending.add(budget.deferred.get(j));
          pendingFrame.add(i);
          pendingCacheKey.add(budget.deferredCacheKeys.get(j));
        }
      }
    }
    byte[][] rX = new byte[pending.size()][];
    BitSet valid = SignatureBatch.validity(pending, tally, rX);
    for (int j = 0; j < pending.size(); j++) {
      int frame = pendingFrame.get(j);
      if (valid.get(j)) {
        remember(pendingCacheKey.get(j));
        if (rX[j] != null && results[frame].message() instanceof Request r && r.wire() != null
            && r.wire().signature() == pending.get(j).signature()) {
          // What this check learnt of R travels on with the request, to the backups (WireForm#rX).
          results[frame] = new DecodeResult.Accepted(new Request(r.clientId(), r.requestNumber(), r.readOnly(),
              r.operation(), r.digest(), new WireForm(r.wire().body(), r.wire().signature(), rX[j])));
        }
      } else if (results[frame].accepted()) {
        results[frame] = new DecodeResult.Rejected(Rejection.BAD_SIGNATURE,
            results[frame].message().type() + " frame carries a signature that does not verify");
      }
    }
    return Arrays.asList(results);
  }

  private DecodeResult decode(byte[] frame, int expectedSender, Budget budget) {
    try {
      if (frame == null) {
        throw new Reject(Rejection.MALFORMED, "no frame");
      }
      if (frame.length > limits.maxFrameBytes()) {
        throw new Reject(Rejection.TOO_LARGE, frame.length + " bytes exceed the limit of " + limits.maxFrameBytes());
      }
      return new DecodeResult.Accepted(envelope(ByteString.copyFrom(frame), expectedSender, null, budget));
    } catch (Reject r) {
      return new DecodeResult.Rejected(r.reason, r.getMessage());
    } catch (RuntimeException e) {
      // Nothing a peer sends may escape as an exception; a bug here must still only reject the frame.
      return new DecodeResult.Rejected(Rejection.MALFORMED, "undecodable: " + e);
    }
  }

  /**
   * Counts embedded messages across one frame, so nesting cannot multiply the work; and holds the
   * client signatures of the PRE-PREPARE being decoded, checked together by one batch equation.
   */
  private final class Budget {
    final Predicate<Message> worthVerifying;
    int embedded;
    int depth;
    /**
     * Signatures collected to be checked together, with their cache keys (null where none): a
     * PRE-PREPARE's requests, or in {@link #decodeAll} every deferrable signature of the frame.
     */
    List<SignedItem> deferred;
    List<Digest> deferredCacheKeys;
    /** The R hint a PRE-PREPARE carries for the request being decoded (see {@link SignedItem#rX}). */
    byte[] requestHint;

    Budget(Predicate<Message> worthVerifying) {
      this.worthVerifying = worthVerifying;
    }

    void enter() throws Reject {
      if (++embedded > limits.maxEmbeddedMessages()) {
        throw new Reject(Rejection.TOO_LARGE, "more than " + limits.maxEmbeddedMessages() + " embedded messages");
      }
    }
  }

  private Message envelope(ByteString bytes, int expectedSender, MessageType expectedType, Budget budget) throws Reject {
    if (++budget.depth > MAX_DEPTH) {
      throw new Reject(Rejection.MALFORMED, "messages nested deeper than " + MAX_DEPTH);
    }
    try {
      Envelope env = parse(Envelope.parser(), bytes, "envelope");
      if (env.getVersion() != VERSION) {
        throw new Reject(Rejection.WRONG_VERSION, "version " + env.getVersion() + ", this replica speaks " + VERSION);
      }
      MessageType type = MessageType.fromCode(env.getType());
      if (type == null) {
        throw new Reject(Rejection.UNKNOWN_TYPE, "type " + env.getType());
      }
      if (expectedType != null && type != expectedType) {
        throw new Reject(Rejection.MALFORMED, "expected an embedded " + expectedType + ", got " + type);
      }
      int sender = env.getSender();
      if (expectedSender >= 0 && sender != expectedSender) {
        throw new Reject(Rejection.WRONG_SENDER, type + " claims sender " + sender + " on the link of " + expectedSender);
      }
      Ed25519PublicKey key = type == MessageType.REQUEST ? keys.client(sender) : keys.replica(sender);
      if (key == null && type == MessageType.HELLO) {
        key = keys.client(sender);
      }
      if (key == null) {
        throw new Reject(Rejection.UNKNOWN_SENDER, type + " from unknown " + (type == MessageType.REQUEST ? "client " : "replica ") + sender);
      }
      byte[] body = env.getBody().toByteArray();
      byte[] signature = env.getSignature().toByteArray();
      if (type == MessageType.REPLY) {
        ReplyTree.Opened opened = openReply(body);
        Reply reply = reply(opened, sender, new WireForm(body, signature));
        if (budget.depth == 1 && !budget.worthVerifying.test(reply)) {
          throw new Reject(Rejection.UNWANTED, "reply not needed");
        }
        verify(type, key, opened.root().bytesUnsafe(), signature, budget);
        return reply;
      }
      if (budget.depth == 1 && (type == MessageType.PREPARE || type == MessageType.COMMIT
          || type == MessageType.CHECKPOINT || type == MessageType.STATUS)) {
        Message vote = body(type, sender, body, new WireForm(body, signature), budget); // no embedded messages
        if (!budget.worthVerifying.test(vote)) {
          throw new Reject(Rejection.UNWANTED, type + " the receiver has no use for");
        }
        verify(type, key, body, signature, budget);
        return vote;
      }
      if (budget.depth == 1 && type == MessageType.VIEW_CHANGE) {
        // Only the view is shown first: the proofs inside cost a signature check each.
        ViewChangeBody v = parse(ViewChangeBody.parser(), com.google.protobuf.UnsafeByteOperations.unsafeWrap(body), type);
        if (!budget.worthVerifying.test(new ViewChange(v.getNewView(), v.getStableSequence(), List.of(), List.of(),
            sender, null))) {
          throw new Reject(Rejection.UNWANTED, type + " for view " + v.getNewView() + " the receiver has no use for");
        }
      }
      verify(type, key, body, signature, budget);
      Message m = body(type, sender, body, new WireForm(body, signature), budget);
      return env.hasBatch() ? withBatch(m, env.getBatch(), budget) : m;
    } finally {
      budget.depth--;
    }
  }

  /**
   * A top-level PRE-PREPARE's batch, travelling beside its signed body: taken only if its digest is
   * the one the primary signed. Inside a certificate a PRE-PREPARE names its batch by digest only.
   */
  private Message withBatch(Message m, BatchBody body, Budget budget) throws Reject {
    if (!(m instanceof PrePrepare pp) || budget.depth > 1) {
      throw new Reject(Rejection.MALFORMED, "a batch beside " + (budget.depth > 1 ? "an embedded " : "a ") + m.type());
    }
    Batch batch = batch(body, budget);
    if (!batch.digest().equals(pp.digest())) {
      throw new Reject(Rejection.MALFORMED, "PRE-PREPARE for sequence " + pp.sequence()
          + " carries a batch other than the one its signature names");
    }
    return pp.withBatch(batch);
  }

  /** A batch's requests, each client signature checked (with the frame's others, in one equation). */
  private Batch batch(BatchBody p, Budget budget) throws Reject {
    if (p.getRequestsCount() > limits.maxBatchRequests()) {
      throw new Reject(Rejection.TOO_LARGE, p.getRequestsCount() + " requests in one batch");
    }
    List<Request> requests = new ArrayList<>(p.getRequestsCount());
    // The requests' signatures join what is collected already (a group's), else are checked together here.
    boolean own = budget.deferred == null;
    if (own) {
      budget.deferred = new ArrayList<>(p.getRequestsCount());
      budget.deferredCacheKeys = new ArrayList<>(p.getRequestsCount());
    }
    int hints = p.getRequestRXCount();
    if (hints != 0 && hints != p.getRequestsCount()) {
      throw new Reject(Rejection.MALFORMED, hints + " R hints for " + p.getRequestsCount() + " requests");
    }
    for (int i = 0; i < p.getRequestsCount(); i++) {
      ByteString hint = hints == 0 ? ByteString.EMPTY : p.getRequestRX(i);
      if (!hint.isEmpty() && hint.size() != 32) {
        throw new Reject(Rejection.MALFORMED, "an R hint of " + hint.size() + " bytes");
      }
      budget.requestHint = hint.isEmpty() ? null : hint.toByteArray();
      requests.add((Request) embedded(p.getRequests(i), MessageType.REQUEST, budget));
      budget.requestHint = null;
    }
    if (own) {
      if (!SignatureBatch.allValid(budget.deferred, tally)) {
        throw new Reject(Rejection.BAD_SIGNATURE, "a client signature in the batch does not verify");
      }
      budget.deferredCacheKeys.forEach(this::remember);
      budget.deferred = null;
      budget.deferredCacheKeys = null;
    }
    return Batch.of(requests, nonNegative(p.getTimestamp(), "timestamp"));
  }

  /**
   * Decodes a REPLY frame from {@code expectedSender}, but checks its signature only when
   * {@code wanted} accepts the reply it carries: a client skips the signature work for replies it
   * no longer needs (f + 1 matching ones already arrived). An unwanted reply is rejected as
   * {@link Rejection#UNWANTED}; a wanted one is returned only if its signature verifies.
   */
  public DecodeResult decodeReply(byte[] frame, int expectedSender, Predicate<Reply> wanted) {
    DecodeResult r = decode(frame, expectedSender, m -> m instanceof Reply reply && wanted.test(reply));
    if (r.accepted() && !(r.message() instanceof Reply)) {
      return new DecodeResult.Rejected(Rejection.UNKNOWN_TYPE, "expected a REPLY, got " + r.message().type());
    }
    return r;
  }

  private static ReplyTree.Opened openReply(byte[] body) throws Reject {
    ReplyTree.Opened opened = ReplyTree.open(body);
    if (opened == null) {
      throw new Reject(Rejection.MALFORMED, "REPLY proof does not parse or its path is malformed");
    }
    return opened;
  }

  private Reply reply(ReplyTree.Opened opened, int sender, WireForm wire) throws Reject {
    ReplyBody r = parse(ReplyBody.parser(), ByteString.copyFrom(opened.replyBody()), MessageType.REPLY);
    return new Reply(nonNegative(r.getView(), "view"), r.getClient(), nonNegative(r.getRequestNumber(), "request number"),
        bounded(r.getResult(), limits.maxResultBytes(), "result"), sender, wire);
  }

  /**
   * Client requests and reply roots are remembered once verified: a request comes again inside a
   * PRE-PREPARE, and one signed reply root covers the replies of many clients. The requests of a
   * PRE-PREPARE are only collected here and checked together when its body is parsed.
   */
  private void verify(MessageType type, Ed25519PublicKey key, byte[] signed, byte[] signature, Budget budget)
      throws Reject {
    VerifiedSignatures cache = type == MessageType.REQUEST ? verifiedRequests
        : type == MessageType.REPLY ? verifiedReplyRoots : null;
    Digest cacheKey = null;
    if (cache != null) {
      cacheKey = Digest.sha256(key.toBytes(), signed, signature);
      if (cache.contains(cacheKey)) {
        return;
      }
    }
    if (budget.deferred != null && (type == MessageType.REQUEST || budget.depth == 1 && DEFERRABLE.contains(type))) {
      SignedItem item = new SignedItem(key, SignatureDomain.of(type.code()), signed, signature);
      if (type == MessageType.REQUEST && budget.requestHint != null) {
        item = item.withRX(budget.requestHint);
        budget.requestHint = null;
      }
      budget.deferred.add(item);
      budget.deferredCacheKeys.add(cacheKey);
      return;
    }
    tally.alone(1);
    if (!key.verify(SignatureDomain.of(type.code()), signed, signature)) {
      throw new Reject(Rejection.BAD_SIGNATURE, type + " signature does not verify");
    }
    if (cacheKey != null) {
      cache.add(cacheKey);
    }
  }

  private Message body(MessageType type, int sender, byte[] body, WireForm wire, Budget budget) throws Reject {
    ByteString b = ByteString.copyFrom(body);
    switch (type) {
      case REQUEST: {
        RequestBody r = parse(RequestBody.parser(), b, type);
        if (r.getClient() != sender) {
          throw new Reject(Rejection.WRONG_SENDER, "request of client " + r.getClient() + " signed by " + sender);
        }
        byte[] op = bounded(r.getOperation(), limits.maxOperationBytes(), "operation");
        long t = nonNegative(r.getRequestNumber(), "request number");
        return new Request(sender, t, r.getReadOnly(), op, RequestDigests.of(sender, t, r.getReadOnly(), op), wire);
      }
      case PRE_PREPARE: {
        // The batch, if any, travels beside the signed body (withBatch).
        PrePrepareBody p = parse(PrePrepareBody.parser(), b, type);
        return new PrePrepare(nonNegative(p.getView(), "view"), positive(p.getSequence(), "sequence"),
            digest(p.getBatchDigest(), "batch digest"), null, sender, wire);
      }
      case FETCH_BATCH: {
        FetchBatchBody f = parse(FetchBatchBody.parser(), b, type);
        return new FetchBatch(positive(f.getSequence(), "sequence"), digest(f.getBatchDigest(), "batch digest"), sender, wire);
      }
      case BATCH: {
        BatchReplyBody r = parse(BatchReplyBody.parser(), b, type);
        return new BatchReply(positive(r.getSequence(), "sequence"), batch(r.getBatch(), budget), sender, wire);
      }
      case PREPARE: {
        PrepareBody p = parse(PrepareBody.parser(), b, type);
        return new Prepare(nonNegative(p.getView(), "view"), positive(p.getSequence(), "sequence"),
            digest(p.getDigest(), "digest"), sender, wire);
      }
      case COMMIT: {
        CommitBody c = parse(CommitBody.parser(), b, type);
        return new Commit(nonNegative(c.getView(), "view"), positive(c.getSequence(), "sequence"),
            digest(c.getDigest(), "digest"), sender, wire);
      }
      case CHECKPOINT: {
        CheckpointBody c = parse(CheckpointBody.parser(), b, type);
        return new Checkpoint(positive(c.getSequence(), "sequence"), digest(c.getStateDigest(), "state digest"), sender, wire);
      }
      case VIEW_CHANGE: {
        ViewChangeBody v = parse(ViewChangeBody.parser(), b, type);
        List<Checkpoint> proof = new ArrayList<>();
        for (ByteString c : v.getCheckpointProofList()) {
          proof.add((Checkpoint) embedded(c, MessageType.CHECKPOINT, budget));
        }
        List<PreparedProof> prepared = new ArrayList<>();
        for (PreparedProofBody pp : v.getPreparedList()) {
          if (pp.getPrePrepare().isEmpty()) {
            throw new Reject(Rejection.MISSING_FIELD, "prepared certificate without its pre-prepare");
          }
          PrePrepare pre = (PrePrepare) embedded(pp.getPrePrepare(), MessageType.PRE_PREPARE, budget);
          List<Prepare> prepares = new ArrayList<>();
          for (ByteString p : pp.getPreparesList()) {
            prepares.add((Prepare) embedded(p, MessageType.PREPARE, budget));
          }
          prepared.add(new PreparedProof(pre, prepares));
        }
        return new ViewChange(positive(v.getNewView(), "new view"), nonNegative(v.getStableSequence(), "stable sequence"),
            proof, prepared, sender, wire);
      }
      case NEW_VIEW: {
        NewViewBody n = parse(NewViewBody.parser(), b, type);
        List<ViewChange> vcs = new ArrayList<>();
        for (ByteString v : n.getViewChangesList()) {
          vcs.add((ViewChange) embedded(v, MessageType.VIEW_CHANGE, budget));
        }
        List<PrePrepare> pps = new ArrayList<>();
        for (ByteString p : n.getPrePreparesList()) {
          pps.add((PrePrepare) embedded(p, MessageType.PRE_PREPARE, budget));
        }
        return new NewView(positive(n.getView(), "view"), vcs, pps, sender, wire);
      }
      case STATUS: {
        StatusBody s = parse(StatusBody.parser(), b, type);
        return new Status(nonNegative(s.getView(), "view"), nonNegative(s.getRetransmitAbove(), "sequence"), sender, wire);
      }
      case FETCH: {
        FetchBody f = parse(FetchBody.parser(), b, type);
        return new FetchState(positive(f.getSequence(), "sequence"), digest(f.getStateDigest(), "state digest"),
            f.getFirstChunk(), f.getChunkCount(), sender, wire);
      }
      case STATE: {
        StateBody s = parse(StateBody.parser(), b, type);
        List<byte[]> path = new ArrayList<>();
        for (ByteString h : s.getMerklePathList()) {
          path.add(digest(h, "merkle path entry").toBytes());
        }
        return new StateChunk(positive(s.getSequence(), "sequence"), s.getChunkIndex(), s.getChunkTotal(),
            bounded(s.getChunk(), limits.maxChunkBytes(), "chunk"), path, sender, wire);
      }
      case HELLO: {
        HelloBody h = parse(HelloBody.parser(), b, type);
        if (h.getId() != sender) {
          throw new Reject(Rejection.WRONG_SENDER, "hello for " + h.getId() + " signed by " + sender);
        }
        return new Hello(sender, h.getPeer(), bounded(h.getNonce(), 64, "nonce"), bounded(h.getOwnNonce(), 64, "own nonce"),
            wire);
      }
      default:
        throw new Reject(Rejection.UNKNOWN_TYPE, type + " is not decoded by the replica protocol's decoder");
    }
  }

  private Message embedded(ByteString bytes, MessageType type, Budget budget) throws Reject {
    budget.enter();
    return envelope(bytes, -1, type, budget);
  }

  private static <T> T parse(Parser<T> parser, ByteString bytes, Object what) throws Reject {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new Reject(Rejection.MALFORMED, what + " does not parse: " + e.getMessage());
    }
  }

  private static Digest digest(ByteString b, String what) throws Reject {
    if (b.isEmpty()) {
      throw new Reject(Rejection.MISSING_FIELD, what + " is missing");
    }
    if (b.size() != Digest.SIZE) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, what + " is " + b.size() + " bytes, not " + Digest.SIZE);
    }
    return Digest.of(b.toByteArray());
  }

  private static byte[] bounded(ByteString b, int max, String what) throws Reject {
    if (b.size() > max) {
      throw new Reject(Rejection.TOO_LARGE, what + " of " + b.size() + " bytes exceeds " + max);
    }
    return b.toByteArray();
  }

  private static long nonNegative(long v, String what) throws Reject {
    if (v < 0) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, what + " " + Long.toUnsignedString(v) + " is too large");
    }
    return v;
  }

  private static long positive(long v, String what) throws Reject {
    if (v <= 0) {
      throw new Reject(v == 0 ? Rejection.MISSING_FIELD : Rejection.FIELD_OUT_OF_RANGE, what + " must be positive");
    }
    return v;
  }

  /** Control flow for a refused frame; no stack trace, it is not an error of ours. */
  private static final class Reject extends Exception {
    final Rejection reason;

    Reject(Rejection reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }
}
