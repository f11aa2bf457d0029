package dev.bft.core.message.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bft.core.message.wire.ReplyProofBody;
import dev.bft.core.service.MerkleTree;
import dev.bft.crypto.Digest;
import java.util.ArrayList;
import java.util.List;

/**
 * The replies a replica signs together (docs/protocol.md, where the paper is silent): one Ed25519
 * signature over the Merkle root of a batch's replies instead of one per reply, each client
 * receiving its reply with the path from its leaf to that root. Leaves are SHA-256('R' ‖ reply
 * body), so a reply can never pass for an inner node ('N') or the zero padding.
 */
public final class ReplyTree {
  /** A path longer than this would mean more than a million replies under one signature. */
  static final int MAX_DEPTH = 20;
  private static final byte[] LEAF_TAG = {'R'};

  private ReplyTree() {}

  public static Digest leaf(byte[] replyBody) {
    return Digest.sha256(LEAF_TAG, replyBody);
  }

  /** The root and each reply's proof body, for reply bodies in order. */
  public static Signed build(List<byte[]> replyBodies) {
    if (replyBodies.isEmpty()) {
      throw new IllegalArgumentException("a reply tree needs at least one reply");
    }
    int width = Integer.highestOneBit(Math.max(1, replyBodies.size() - 1)) << 1;
    if (replyBodies.size() == 1) {
      width = 1;
    }
    Digest[] leaves = new Digest[width];
    for (int i = 0; i < width; i++) {
      leaves[i] = i < replyBodies.size() ? leaf(replyBodies.get(i)) : Digest.ZERO;
    }
    List<List<Digest>> paths = MerkleTree.allPaths(leaves);
    List<byte[]> proofs = new ArrayList<>(replyBodies.size());
    for (int i = 0; i < replyBodies.size(); i++) {
      ReplyProofBody.Builder b = ReplyProofBody.newBuilder().setReply(ByteString.copyFrom(replyBodies.get(i))).setLeafIndex(i);
      for (Digest d : paths.get(i)) {
        b.addMerklePath(ByteString.copyFrom(d.bytesUnsafe()));
      }
      proofs.add(b.build().toByteArray());
    }
    return new Signed(MerkleTree.root(leaves), proofs);
  }

  /** The tree's root and the proof body of each reply (index i is the i-th reply given). */
  public record Signed(Digest root, List<byte[]> proofBodies) {}

  /** A received proof: the reply body it carries and the root its path leads to. */
  record Opened(byte[] replyBody, Digest root) {}

  /** Parses a REPLY body and walks its path; null when malformed (too deep, bad digests, index beyond the path). */
  static Opened open(byte[] proofBody) {
    ReplyProofBody proof;
    try {
      proof = ReplyProofBody.parseFrom(proofBody);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
    if (proof.getMerklePathCount() > MAX_DEPTH) {
      return null;
    }
    List<Digest> path = new ArrayList<>(proof.getMerklePathCount());
    for (ByteString h : proof.getMerklePathList()) {
      if (h.size() != Digest.SIZE) {
        return null;
      }
      path.add(Digest.of(h.toByteArray()));
    }
    byte[] reply = proof.getReply().toByteArray();
    Digest root = MerkleTree.rootFrom(leaf(reply), proof.getLeafIndex(), path);
    return root == null ? null : new Opened(reply, root);
  }
}
