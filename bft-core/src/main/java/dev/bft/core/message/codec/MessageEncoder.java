package dev.bft.core.message.codec;

import com.google.protobuf.ByteString;
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
import dev.bft.core.message.wire.HelloBody;
import dev.bft.core.message.wire.NewViewBody;
import dev.bft.core.message.wire.PrePrepareBody;
import dev.bft.core.message.wire.PrepareBody;
import dev.bft.core.message.wire.PreparedProofBody;
import dev.bft.core.message.wire.ReplyBody;
import dev.bft.core.message.wire.RequestBody;
import dev.bft.core.message.wire.StatusBody;
import dev.bft.core.message.wire.ViewChangeBody;
import dev.bft.crypto.SignatureDomain;
import dev.bft.crypto.Signer;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed messages to envelope bytes, signed by this node. A message that came from a peer keeps its
 * exact signed body and signature; one this node made is encoded and signed here (Ed25519 is
 * deterministic, so signing an own message again yields the bytes sent the first time).
 */
public final class MessageEncoder {
  private final int self;
  private final Signer signer;
  private final WireLimits limits;
  private final long epoch;

  public MessageEncoder(int self, Signer signer) {
    this(self, signer, WireLimits.defaults());
  }

  /** An encoder that refuses to make what a decoder with {@code limits} would refuse. */
  public MessageEncoder(int self, Signer signer, WireLimits limits) {
    this(self, signer, limits, 0);
  }

  /** As above, signing for configuration epoch {@code epoch}: its messages verify in that epoch only. */
  public MessageEncoder(int self, Signer signer, WireLimits limits, long epoch) {
    this.self = self;
    this.signer = signer;
    this.limits = limits;
    this.epoch = epoch;
  }

  /** The signature domain of {@code type} here: a HELLO names a key, not an epoch, so links form across epochs. */
  static SignatureDomain domain(MessageType type, long epoch) {
    return SignatureDomain.of(type.code(), type == MessageType.HELLO ? 0 : epoch);
  }

  /**
   * The frame of {@code m}. Throws IllegalStateException if it would exceed the frame limit: peers
   * would refuse it as TOO_LARGE and count it against us, with nothing on our side to say why.
   */
  public byte[] encode(Message m) {
    return checkedFrame(m.type(), envelope(m));
  }

  private byte[] checkedFrame(MessageType type, Envelope e) {
    int size = e.getSerializedSize();
    if (size > limits.maxFrameBytes()) {
      throw new IllegalStateException("node " + self + ": a " + type + " frame of " + size
          + " bytes exceeds the frame limit of " + limits.maxFrameBytes() + " bytes; peers would refuse it");
    }
    return e.toByteArray();
  }

  /** The signed form of a message: its body bytes and signature. */
  public WireForm sign(Message m) {
    if (m.wire() != null) {
      return m.wire();
    }
    if (m.sender() != self) {
      throw new IllegalStateException("cannot sign " + m.type() + " of node " + m.sender() + " as node " + self
          + ": a message of another node must keep the bytes it was received with");
    }
    if (m instanceof Reply r) {
      return signReplies(List.of(r)).get(0); // a tree of one leaf
    }
    byte[] body = body(m);
    return new WireForm(body, signer.sign(domain(m.type(), epoch), body));
  }

  /**
   * Signs replies of this replica together: one signature over the Merkle root of their bodies
   * (see {@link ReplyTree}); returns each reply's frame, in the order given.
   */
  public List<byte[]> encodeReplies(List<Reply> replies) {
    List<byte[]> frames = new ArrayList<>(replies.size());
    for (WireForm w : signReplies(replies)) {
      frames.add(checkedFrame(MessageType.REPLY, envelope(MessageType.REPLY, self, w)));
    }
    return frames;
  }

  private List<WireForm> signReplies(List<Reply> replies) {
    List<byte[]> bodies = new ArrayList<>(replies.size());
    for (Reply r : replies) {
      if (r.sender() != self) {
        throw new IllegalStateException("cannot sign a reply of node " + r.sender() + " as node " + self);
      }
      ReplyBody.Builder body = ReplyBody.newBuilder().setView(r.view()).setClient(r.clientId())
          .setRequestNumber(r.requestNumber()).setResult(ByteString.copyFrom(r.result())).setLaterExecuted(r.laterExecuted());
      if (r.digestOnly()) {
        body.setResultDigest(ByteString.copyFrom(r.resultDigest().bytesUnsafe()));
      }
      bodies.add(body.build().toByteArray());
    }
    ReplyTree.Signed tree = ReplyTree.build(bodies);
    byte[] signature = signer.sign(domain(MessageType.REPLY, epoch), tree.root().bytesUnsafe());
    List<WireForm> forms = new ArrayList<>(replies.size());
    for (byte[] proof : tree.proofBodies()) {
      forms.add(new WireForm(proof, signature));
    }
    return forms;
  }

  /** A top-level frame: a PRE-PREPARE travels with its batch beside its signed body. */
  private Envelope envelope(Message m) {
    Envelope e = envelope(m.type(), m.sender(), sign(m));
    if (m instanceof PrePrepare pp && pp.hasBatch()) {
      e = e.toBuilder().setBatch(batchBody(pp.batch())).build();
    }
    return e;
  }

  private Envelope envelope(MessageType type, int sender, WireForm w) {
    return Envelope.newBuilder().setVersion(MessageDecoder.VERSION).setSender(sender).setType(type.code())
        .setEpoch(epoch).setBody(ByteString.copyFrom(w.body())).setSignature(ByteString.copyFrom(w.signature())).build();
  }

  /** Inside a certificate a PRE-PREPARE names its batch by digest only: certificates stay small. */
  private ByteString embedded(Message m) {
    return envelope(m.type(), m.sender(), sign(m)).toByteString();
  }

  private BatchBody batchBody(Batch batch) {
    BatchBody.Builder b = BatchBody.newBuilder().setTimestamp(batch.timestamp());
    boolean hinted = false;
    for (Request r : batch.requests()) {
      b.addRequests(embedded(r));
      hinted |= rX(r) != null;
    }
    if (hinted) {
      for (Request r : batch.requests()) {
        b.addRequestRX(rX(r) == null ? ByteString.EMPTY : ByteString.copyFrom(rX(r)));
      }
    }
    return b.build();
  }

  private static byte[] rX(Request r) {
    return r.wire() == null ? null : r.wire().rX();
  }

  private byte[] body(Message m) {
    if (m instanceof Request r) {
      return RequestBody.newBuilder().setClient(r.clientId()).setRequestNumber(r.requestNumber())
          .setReadOnly(r.readOnly()).setOperation(ByteString.copyFrom(r.operation())).build().toByteArray();
    } else if (m instanceof PrePrepare pp) {
      return PrePrepareBody.newBuilder().setView(pp.view()).setSequence(pp.sequence())
          .setBatchDigest(ByteString.copyFrom(pp.digest().bytesUnsafe())).build().toByteArray();
    } else if (m instanceof Prepare p) {
      return PrepareBody.newBuilder().setView(p.view()).setSequence(p.sequence())
          .setDigest(ByteString.copyFrom(p.digest().bytesUnsafe())).build().toByteArray();
    } else if (m instanceof Commit c) {
      return CommitBody.newBuilder().setView(c.view()).setSequence(c.sequence())
          .setDigest(ByteString.copyFrom(c.digest().bytesUnsafe())).build().toByteArray();
    } else if (m instanceof Checkpoint c) {
      return CheckpointBody.newBuilder().setSequence(c.sequence())
          .setStateDigest(ByteString.copyFrom(c.stateDigest().bytesUnsafe())).build().toByteArray();
    } else if (m instanceof ViewChange vc) {
      ViewChangeBody.Builder b = ViewChangeBody.newBuilder().setNewView(vc.newView())
          .setStableSequence(vc.stableSequence());
      vc.checkpointProof().forEach(c -> b.addCheckpointProof(embedded(c)));
      for (PreparedProof proof : vc.prepared()) {
        PreparedProofBody.Builder pb = PreparedProofBody.newBuilder().setPrePrepare(embedded(proof.prePrepare()));
        proof.prepares().forEach(p -> pb.addPrepares(embedded(p)));
        b.addPrepared(pb);
      }
      return b.build().toByteArray();
    } else if (m instanceof NewView nv) {
      NewViewBody.Builder b = NewViewBody.newBuilder().setView(nv.view());
      nv.viewChanges().forEach(vc -> b.addViewChanges(embedded(vc)));
      nv.prePrepares().forEach(pp -> b.addPrePrepares(embedded(pp)));
      return b.build().toByteArray();
    } else if (m instanceof Status s) {
      return StatusBody.newBuilder().setView(s.view()).setRetransmitAbove(s.retransmitAbove()).build().toByteArray();
    } else if (m instanceof FetchBatch f) {
      return FetchBatchBody.newBuilder().setSequence(f.sequence())
          .setBatchDigest(ByteString.copyFrom(f.digest().bytesUnsafe())).build().toByteArray();
    } else if (m instanceof BatchReply r) {
      return BatchReplyBody.newBuilder().setSequence(r.sequence()).setBatch(batchBody(r.batch())).build().toByteArray();
    } else if (m instanceof FetchState f) {
      return StateBodies.encode(f);
    } else if (m instanceof StateChunk s) {
      return StateBodies.encode(s, self, limits);
    } else if (m instanceof Hello h) {
      return HelloBody.newBuilder().setId(h.sender()).setPeer(h.peer()).setNonce(ByteString.copyFrom(h.nonce()))
          .setOwnNonce(ByteString.copyFrom(h.ownNonce())).build().toByteArray();
    }
    throw new IllegalArgumentException("no wire encoding for " + m.type());
  }
}
