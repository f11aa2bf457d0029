package dev.bft.adversary.net;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.bft.core.message.Batch;
import dev.bft.core.message.BatchReply;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.Hello;
import dev.bft.core.message.Message;
import dev.bft.core.message.NewView;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Reply;
import dev.bft.core.message.Request;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.Status;
import dev.bft.core.message.ViewChange;
import dev.bft.core.message.codec.EpochNotice;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames a Byzantine replica sends to break a correct one's shell rather than its protocol: every
 * message type (REPLY and EPOCH-NOTICE too, which no replica takes from a peer) with each length
 * field of its encoding (at any depth) set to a huge value,
 * certificates that embed thousands of signed messages, state nobody asked for, and fetches with
 * indexes out of range. Each must be dropped and counted at a bounded cost, never thrown.
 */
public final class HostileFrames {
  /** Lengths a poisoned field claims: 2^31 - 1, 2^32 - 1 and 2^62. */
  static final long[] POISON_LENGTHS = {0x7fffffffL, 0xffffffffL, 1L << 62};

  private HostileFrames() {}

  /**
   * One valid frame of every message type a replica may send, signed by {@code replica} (a request
   * by {@code client}). The PRE-PREPARE travels with its batch beside it (Envelope.batch); inside the
   * VIEW-CHANGE and NEW-VIEW it is embedded by digest only; BATCH carries the same batch.
   */
  public static List<byte[]> everyType(int replica, MessageEncoder replicaEncoder, int client, MessageEncoder clientEncoder) {
    Request request = Request.unsigned(client, 1, false, new byte[] {1, 2, 3});
    byte[] signedRequest = clientEncoder.encode(request);
    Request signed = new Request(client, 1, false, request.operation(), request.digest(), clientEncoder.sign(request));
    Batch batch = Batch.of(List.of(signed), 1);
    Digest d = batch.digest();
    PrePrepare pp = new PrePrepare(4, 1, batch, replica, null);
    Prepare prepare = new Prepare(4, 1, d, replica, null);
    Checkpoint checkpoint = new Checkpoint(128, Digest.sha256(new byte[] {9}), replica, null);
    ViewChange vc = new ViewChange(5, 128, List.of(checkpoint), List.of(new PreparedProof(pp, List.of(prepare))), replica, null);
    List<Message> messages = List.of(pp, prepare, new Commit(4, 1, d, replica, null), checkpoint, vc,
        new NewView(4, List.of(vc), List.of(pp), replica, null), new FetchState(128, new FetchState.ManifestPage(0), replica, null),
        new FetchState(128, new FetchState.NodePage(8, 3, 8), replica, null),
        new FetchState(128, new FetchState.Piece(7, new byte[8]), replica, null),
        new StateChunk(128, new StateChunk.ManifestPage(0, new byte[] {0, 0, 0, 1}), replica, null),
        new StateChunk(128, new StateChunk.NodePage(0, 0, 1, new Digest[] {d, d}), replica, null),
        new StateChunk(128, new StateChunk.Piece(7, new byte[0], new byte[] {1, 2}, new byte[8]), replica, null), new Status(4, 0, replica, null),
        new Hello(replica, 1, new byte[32], new byte[32], null), new FetchBatch(1, d, replica, null),
        new BatchReply(1, batch, replica, null), new Reply(4, client, 1, new byte[] {7}, replica, null));
    List<byte[]> frames = new ArrayList<>();
    messages.forEach(m -> frames.add(replicaEncoder.encode(m)));
    frames.add(signedRequest);
    frames.add(epochNotice(replicaEncoder.encode(checkpoint)));
    return frames;
  }

  /**
   * An EPOCH-NOTICE in shape (it proves nothing: its configuration is not one): a configuration and
   * one CHECKPOINT as its proof, so that each of its length fields has bytes behind it.
   */
  static byte[] epochNotice(byte[] checkpoint) {
    byte[] configuration = "epoch = 1\n".getBytes(StandardCharsets.UTF_8);
    Digest d = Digest.sha256(configuration);
    return new EpochNotice(configuration, 128, d, d, List.of(checkpoint)).encode();
  }

  /**
   * {@code frame} once for each length-delimited field at any depth of its encoding and each of
   * {@link #POISON_LENGTHS}, with that field's length replaced (the bytes after it left as they were).
   */
  public static List<byte[]> poisoned(byte[] frame) {
    if (EpochNotice.is(frame)) {
      return poisonedNotice(frame);
    }
    List<Integer> lengthAt = new ArrayList<>();
    collectLengths(frame, 0, frame.length, 0, lengthAt);
    List<byte[]> out = new ArrayList<>();
    for (int at : lengthAt) {
      for (long poison : POISON_LENGTHS) {
        out.add(withLength(frame, at, poison));
      }
    }
    return out;
  }

  /**
   * An EPOCH-NOTICE is no envelope: its lengths are 4-byte big-endian fields ({@link EpochNotice}'s
   * layout) and its proof count one byte. Each length in turn claims 2^31 - 1, 2^32 - 1 (-1 as an
   * int) and 2^31 (the least negative int); the count claims 255 proofs.
   */
  private static List<byte[]> poisonedNotice(byte[] notice) {
    ByteBuffer b = ByteBuffer.wrap(notice);
    int configurationAt = 6;
    int countAt = configurationAt + 4 + b.getInt(configurationAt) + 8 + 2 * Digest.SIZE;
    List<Integer> lengthAt = new ArrayList<>(List.of(configurationAt));
    for (int at = countAt + 1, i = 0; i < Byte.toUnsignedInt(notice[countAt]); i++) {
      lengthAt.add(at);
      at += 4 + b.getInt(at);
    }
    List<byte[]> out = new ArrayList<>();
    for (int at : lengthAt) {
      for (int poison : new int[] {Integer.MAX_VALUE, -1, Integer.MIN_VALUE}) {
        byte[] p = notice.clone();
        ByteBuffer.wrap(p).putInt(at, poison);
        out.add(p);
      }
    }
    byte[] manyProofs = notice.clone();
    manyProofs[countAt] = (byte) 255;
    out.add(manyProofs);
    return out;
  }

  /** Positions of the length varints of every length-delimited field in {@code [from, to)}, recursing into those that parse. */
  private static void collectLengths(byte[] b, int from, int to, int depth, List<Integer> out) {
    if (depth > 6) {
      return;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(b, from, to - from);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int lengthPosition = from + in.getTotalBytesRead();
          int length = in.readRawVarint32();
          int contentStart = from + in.getTotalBytesRead();
          out.add(lengthPosition);
          if (parses(b, contentStart, contentStart + length)) {
            collectLengths(b, contentStart, contentStart + length, depth + 1, out);
          }
          in.skipRawBytes(length);
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException | RuntimeException notAMessage) {
      // what was found so far stands
    }
  }

  private static boolean parses(byte[] b, int from, int to) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(b, from, to - from);
      while (!in.isAtEnd()) {
        int tag = in.readTag();
        if (tag == 0 || !in.skipField(tag)) {
          return false;
        }
      }
      return to > from;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static byte[] withLength(byte[] frame, int at, long length) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(frame, at, frame.length - at);
      in.readRawVarint64();
      int oldSize = in.getTotalBytesRead();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.write(frame, 0, at);
      CodedOutputStream varint = CodedOutputStream.newInstance(out);
      varint.writeUInt64NoTag(length);
      varint.flush();
      out.write(frame, at + oldSize, frame.length - at - oldSize);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A VIEW-CHANGE whose prepared set lists {@code certificates} certificates of {@code prepares}
   * PREPAREs each, every one validly signed: verified before any structural check, it would cost
   * certificates x (prepares + 1) signature checks.
   */
  public static byte[] amplifyingViewChange(int replica, MessageEncoder encoder, int certificates, int prepares) {
    List<PreparedProof> proofs = new ArrayList<>();
    for (int s = 1; s <= certificates; s++) {
      PrePrepare pp = new PrePrepare(0, s, Batch.nullRequest(), replica, null);
      List<Prepare> votes = new ArrayList<>();
      for (int i = 0; i < prepares; i++) {
        votes.add(new Prepare(i, s, Batch.nullRequest().digest(), replica, null));
      }
      proofs.add(new PreparedProof(pp, votes));
    }
    return encoder.encode(new ViewChange(1, 0, List.of(), proofs, replica, null));
  }

  /** A NEW-VIEW for {@code view} embedding {@code viewChanges} VIEW-CHANGEs, each validly signed by {@code replica}. */
  public static byte[] amplifyingNewView(int replica, MessageEncoder encoder, long view, int viewChanges) {
    List<ViewChange> vcs = new ArrayList<>();
    for (int i = 0; i < viewChanges; i++) {
      vcs.add(new ViewChange(view + i, 0, List.of(), List.of(), replica, null));
    }
    return encoder.encode(new NewView(view, vcs, List.of(), replica, null));
  }

  /** The 101-byte STATE that killed a replica's protocol thread: a manifest page whose digest count claims 2^31 - 1. */
  public static byte[] unsolicitedManifest(int replica, MessageEncoder encoder, long sequence) {
    byte[] manifest = ByteBuffer.allocate(12).putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE).putInt(-1).array();
    return encoder.encode(new StateChunk(sequence, new StateChunk.ManifestPage(0, manifest), replica, null));
  }

  /** FETCHes for nodes, chunks and pages outside any state: negative, overflowing, or below the leaves. */
  public static List<byte[]> outOfRangeFetches(int replica, MessageEncoder encoder, long sequence) {
    List<FetchState.Ask> asks = List.of(new FetchState.NodePage(-1, 0, 1), new FetchState.NodePage(3, 8, 1),
        new FetchState.NodePage(0, 0, 9), new FetchState.NodePage(29, 0, 2), new FetchState.NodePage(0, 0, -5),
        new FetchState.Piece(-1, new byte[0]), new FetchState.Piece(Integer.MAX_VALUE, new byte[0]),
        new FetchState.Piece(0, new byte[4096]), new FetchState.ManifestPage(-1), new FetchState.ManifestPage(1 << 20));
    List<byte[]> frames = new ArrayList<>();
    for (FetchState.Ask ask : asks) {
      frames.add(encoder.encode(new FetchState(sequence, ask, replica, null)));
    }
    return frames;
  }
}
