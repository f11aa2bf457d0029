package dev.bft.core.message.codec;

import static dev.bft.core.message.codec.Fields.bounded;
import static dev.bft.core.message.codec.Fields.digest;
import static dev.bft.core.message.codec.Fields.nonNegative;
import static dev.bft.core.message.codec.Fields.parse;
import static dev.bft.core.message.codec.Fields.positive;

import com.google.protobuf.ByteString;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.RequestDigests;
import dev.bft.core.message.Status;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.wire.CheckpointBody;
import dev.bft.core.message.wire.CommitBody;
import dev.bft.core.message.wire.FetchBatchBody;
import dev.bft.core.message.wire.HelloBody;
import dev.bft.core.message.wire.PrePrepareBody;
import dev.bft.core.message.wire.PrepareBody;
import dev.bft.core.message.wire.ReplyBody;
import dev.bft.core.message.wire.RequestBody;
import dev.bft.core.message.wire.StatusBody;
import dev.bft.crypto.Digest;

/**
 * The bodies that embed no other message, parsed and bounded field by field. Signatures are the
 * {@link MessageDecoder}'s business; every count, index and length a peer sends is checked here
 * before anything is allocated for it. A PRE-PREPARE's signed body is one of them since it names its
 * batch by digest: the batch beside it, like a BATCH reply's, is {@link BatchBodies}' business.
 */
final class FlatBodies {
  private FlatBodies() {}

  static ReplyTree.Opened openReply(byte[] body) throws Reject {
    ReplyTree.Opened opened = ReplyTree.open(body);
    if (opened == null) {
      throw new Reject(Rejection.MALFORMED, "REPLY proof does not parse or its path is malformed");
    }
    return opened;
  }

  static Reply reply(ReplyTree.Opened opened, int sender, WireForm wire, WireLimits limits) throws Reject {
    ReplyBody r = parse(ReplyBody.parser(), ByteString.copyFrom(opened.replyBody()), MessageType.REPLY);
    long requestNumber = nonNegative(r.getRequestNumber(), "request number");
    long laterExecuted = nonNegative(r.getLaterExecuted(), "later executed request number");
    if (laterExecuted != 0 && (laterExecuted <= requestNumber || !r.getResult().isEmpty())) {
      throw new Reject(Rejection.MALFORMED, "a REPLY refusing a stale request names an earlier request or carries a result");
    }
    Digest resultDigest = null;
    if (!r.getResultDigest().isEmpty()) {
      // One reply, one meaning: a result and a digest together, or a refusal by digest, would leave
      // the client to choose which to believe.
      if (laterExecuted != 0 || !r.getResult().isEmpty()) {
        throw new Reject(Rejection.MALFORMED, "a REPLY carries a result digest beside a result or a refusal");
      }
      resultDigest = digest(r.getResultDigest(), "result digest");
    }
    return new Reply(nonNegative(r.getView(), "view"), r.getClient(), requestNumber,
        bounded(r.getResult(), limits.maxResultBytes(), "result"), sender, wire, laterExecuted, resultDigest);
  }

  static Message decode(MessageType type, int sender, ByteString b, WireForm wire, WireLimits limits) throws Reject {
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
        // The batch, if any, travels beside the signed body (Envelope.batch, see BatchBodies): the
        // PRE-PREPARE is decoded without it, as it is embedded in VIEW-CHANGE and NEW-VIEW.
        PrePrepareBody p = parse(PrePrepareBody.parser(), b, type);
        return new PrePrepare(nonNegative(p.getView(), "view"), positive(p.getSequence(), "sequence"),
            digest(p.getBatchDigest(), "batch digest"), null, sender, wire);
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
      case STATUS: {
        StatusBody s = parse(StatusBody.parser(), b, type);
        return new Status(nonNegative(s.getView(), "view"), nonNegative(s.getRetransmitAbove(), "sequence"), sender, wire);
      }
      case FETCH_BATCH: {
        // The sequence only says where the asker needs the batch; the server looks it up by digest.
        FetchBatchBody f = parse(FetchBatchBody.parser(), b, type);
        return new FetchBatch(positive(f.getSequence(), "sequence"), digest(f.getBatchDigest(), "batch digest"),
            sender, wire);
      }
      case FETCH:
        return StateBodies.fetch(sender, b, wire, limits);
      case STATE:
        return StateBodies.state(sender, b, wire, limits);
      case HELLO: {
        HelloBody h = parse(HelloBody.parser(), b, type);
        if (h.getId() != sender) {
          throw new Reject(Rejection.WRONG_SENDER, "hello for " + h.getId() + " signed by " + sender);
        }
        return new Hello(sender, h.getPeer(), bounded(h.getNonce(), 64, "nonce"), bounded(h.getOwnNonce(), 64, "own nonce"), wire);
      }
      default:
        throw new Reject(Rejection.UNKNOWN_TYPE, type + " is not decoded by the replica protocol's decoder");
    }
  }
}
