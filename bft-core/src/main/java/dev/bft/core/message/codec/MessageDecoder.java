package dev.bft.core.message.codec;

import static dev.bft.core.message.codec.Fields.nonNegative;
import static dev.bft.core.message.codec.Fields.parse;
import static dev.bft.core.message.codec.Fields.positive;

import com.google.protobuf.ByteString;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Message;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.wire.BatchReplyBody;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.NewViewBody;
import dev.bft.core.message.wire.PreparedProofBody;
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
  private final CertificateShape shapes;
  private final VerifiedSignatures verifiedRequests;
  private final VerifiedSignatures verifiedReplyRoots = new VerifiedSignatures(4096);
  private final VerificationTally tally = new VerificationTally();
  private final BatchBodies batches;
  private final long epoch;

  /** {@code cluster} bounds the certificates a VIEW-CHANGE or NEW-VIEW may carry (see {@link CertificateShape}). */
  public MessageDecoder(KeyDirectory keys, WireLimits limits, VerifiedSignatures verifiedRequests, ClusterBounds cluster) {
    this(keys, limits, verifiedRequests, cluster, 0);
  }

  /**
   * As above, for configuration epoch {@code epoch}: a message of another epoch is refused as
   * {@link Rejection#WRONG_EPOCH} before any signature is checked, and one whose envelope lies about
   * its epoch fails its signature (the epoch is in the signature's domain).
   */
  public MessageDecoder(KeyDirectory keys, WireLimits limits, VerifiedSignatures verifiedRequests, ClusterBounds cluster,
                        long epoch) {
    this.epoch = epoch;
    this.keys = keys;
    this.limits = limits;
    this.shapes = new CertificateShape(cluster);
    this.verifiedRequests = verifiedRequests;
    this.batches = new BatchBodies(limits, tally,
        (bytes, budget) -> (Request) embedded(bytes, MessageType.REQUEST, budget), this::remember);
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

  public MessageDecoder(KeyDirectory keys, ClusterBounds cluster) {
    this(keys, WireLimits.defaults(), new VerifiedSignatures(1 << 16), cluster);
  }

  /** The decoder of a configuration: its keys, the bounds of its certificates, its epoch. */
  public static MessageDecoder of(dev.bft.core.config.ClusterConfig config) {
    return new MessageDecoder(KeyDirectory.of(config), WireLimits.defaults(), new VerifiedSignatures(1 << 16),
        ClusterBounds.of(config), config.epoch());
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
    return decode(frame, expectedSender, new Budget(worthVerifying, limits.maxEmbeddedMessages()));
  }

  /**
   * Decodes many frames as {@link #decode(byte[], int, Predicate)} would one by one, but checks
   * their signatures by one batch equation: the client REQUESTs among them, the requests of the
   * batch beside a PRE-PREPARE or in a BATCH, and the top-level signatures of PRE-PREPAREs and votes (PREPARE, COMMIT,
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
      Budget budget = new Budget(worthVerifying, limits.maxEmbeddedMessages());
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
      if (env.getEpoch() != epoch && type != MessageType.HELLO) {
        throw new Reject(Rejection.WRONG_EPOCH, type + " of epoch " + Long.toUnsignedString(env.getEpoch())
            + "; this is epoch " + epoch);
      }
      if (expectedType != null && type != expectedType) {
        throw new Reject(Rejection.MALFORMED, "expected an embedded " + expectedType + ", got " + type);
      }
      if (env.hasBatch() && (type != MessageType.PRE_PREPARE || budget.depth > 1)) {
        // Only a top-level PRE-PREPARE travels with its batch: certificates name batches by digest,
        // so one beside an embedded PRE-PREPARE (or any other message) is refused before any signature.
        throw new Reject(Rejection.MALFORMED, "a batch beside " + (budget.depth > 1 ? "an embedded " : "a ") + type);
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
        ReplyTree.Opened opened = FlatBodies.openReply(body);
        Reply reply = FlatBodies.reply(opened, sender, new WireForm(body, signature), limits);
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
      if (budget.depth == 1 && (type == MessageType.VIEW_CHANGE || type == MessageType.NEW_VIEW)) {
        return certificates(type, key, sender, body, signature, budget);
      }
      verify(type, key, body, signature, budget);
      Message m = body(type, sender, body, new WireForm(body, signature), budget);
      if (type == MessageType.REQUEST && keys.admin(sender) != null) {
        checkApprovals((Request) m);
      }
      return env.hasBatch() ? batches.withBatch((PrePrepare) m, env.getBatch(), budget) : m;
    } finally {
      budget.depth--;
    }
  }

  /**
   * An administrator's request carries the approvals of a reconfiguration, which the replica's core
   * counts but cannot check (it does no cryptography): each must be a valid signature of an
   * administrator, or the request is refused here. An operation that is no reconfiguration, or
   * too few approvals, is the core's to refuse with a result that says so.
   */
  private void checkApprovals(Request r) throws Reject {
    dev.bft.core.config.Reconfiguration rc;
    try {
      rc = dev.bft.core.config.Reconfiguration.decode(r.operation());
    } catch (IllegalArgumentException e) {
      return;
    }
    byte[] approved = rc.approved();
    for (dev.bft.core.config.Reconfiguration.Approval a : rc.approvals()) {
      Ed25519PublicKey admin = keys.admin(a.admin());
      tally.alone(1);
      if (admin == null || !admin.verify(SignatureDomain.of(dev.bft.core.config.Reconfiguration.APPROVAL_DOMAIN),
          approved, a.signature())) {
        throw new Reject(Rejection.BAD_SIGNATURE, "an approval of administrator " + a.admin() + " does not verify");
      }
    }
  }

  /**
   * A VIEW-CHANGE or NEW-VIEW: parsed whole with its embedded signatures held back, refused if its
   * shape is not one a correct replica of this cluster sends (checked inside {@link #body}), then
   * its own signature, then the embedded ones. Its size thus buys no signature check until its
   * sender has proven itself, and a correct replica's certificates are bounded by n, f and L. The
   * PRE-PREPAREs inside name their batches by digest, so only replicas' signatures are held.
   */
  private Message certificates(MessageType type, Ed25519PublicKey key, int sender, byte[] body, byte[] signature,
      Budget budget) throws Reject {
    budget.held = new HeldSignatures();
    try {
      Message m = body(type, sender, body, new WireForm(body, signature), budget);
      verify(type, key, body, signature, budget);
      if (!budget.held.verify(tally)) {
        throw new Reject(Rejection.BAD_SIGNATURE, "a signature embedded in the " + type + " does not verify");
      }
      return m;
    } finally {
      budget.held = null;
    }
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

  /**
   * Client requests and reply roots are remembered once verified: a request comes again inside a
   * PRE-PREPARE's batch, and one signed reply root covers the replies of many clients. The requests
   * of a batch are only collected here and checked together once it is parsed ({@link BatchBodies});
   * the signatures inside a certificate are held until its shape and own signature are checked.
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
    boolean held = budget.held != null && budget.depth > 1;
    if (held || budget.deferred != null && (type == MessageType.REQUEST || budget.depth == 1 && DEFERRABLE.contains(type))) {
      SignedItem item = new SignedItem(key, MessageEncoder.domain(type, epoch), signed, signature);
      if (type == MessageType.REQUEST && budget.requestHint != null) {
        item = item.withRX(budget.requestHint);
        budget.requestHint = null;
      }
      if (held) {
        budget.held.add(item);
        return;
      }
      budget.deferred.add(item);
      budget.deferredCacheKeys.add(cacheKey);
      return;
    }
    tally.alone(1);
    if (!key.verify(MessageEncoder.domain(type, epoch), signed, signature)) {
      throw new Reject(Rejection.BAD_SIGNATURE, type + " signature does not verify");
    }
    if (cacheKey != null) {
      cache.add(cacheKey);
    }
  }

  private Message body(MessageType type, int sender, byte[] body, WireForm wire, Budget budget) throws Reject {
    ByteString b = ByteString.copyFrom(body);
    switch (type) {
      case BATCH:
        // Requests inside: not a flat body. Their signatures are checked in one equation (BatchBodies).
        return batches.reply(parse(BatchReplyBody.parser(), b, type), sender, wire, budget);
      case VIEW_CHANGE: {
        ViewChangeBody v = parse(ViewChangeBody.parser(), b, type);
        shapes.viewChangeCounts(v);
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
        ViewChange vc = new ViewChange(positive(v.getNewView(), "new view"),
            nonNegative(v.getStableSequence(), "stable sequence"), proof, prepared, sender, wire);
        shapes.viewChange(vc);
        return vc;
      }
      case NEW_VIEW: {
        NewViewBody n = parse(NewViewBody.parser(), b, type);
        shapes.newViewCounts(n, sender);
        List<ViewChange> vcs = new ArrayList<>();
        for (ByteString v : n.getViewChangesList()) {
          vcs.add((ViewChange) embedded(v, MessageType.VIEW_CHANGE, budget));
        }
        List<PrePrepare> pps = new ArrayList<>();
        for (ByteString p : n.getPrePreparesList()) {
          pps.add((PrePrepare) embedded(p, MessageType.PRE_PREPARE, budget));
        }
        NewView nv = new NewView(positive(n.getView(), "view"), vcs, pps, sender, wire);
        shapes.newView(nv);
        return nv;
      }
      default:
        return FlatBodies.decode(type, sender, b, wire, limits);
    }
  }

  private Message embedded(ByteString bytes, MessageType type, Budget budget) throws Reject {
    budget.enter();
    return envelope(bytes, -1, type, budget);
  }
}
