package dev.bft.core.message.codec;

import static dev.bft.core.message.codec.Fields.bounded;
import static dev.bft.core.message.codec.Fields.index;
import static dev.bft.core.message.codec.Fields.parse;
import static dev.bft.core.message.codec.Fields.positive;

import com.google.protobuf.ByteString;
import dev.bft.core.message.FetchState;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.StateChunk;
import dev.bft.core.message.WireForm;
import dev.bft.core.message.wire.FetchBody;
import dev.bft.core.message.wire.ManifestPageBody;
import dev.bft.core.message.wire.NodeAsk;
import dev.bft.core.message.wire.NodePageBody;
import dev.bft.core.message.wire.PieceAsk;
import dev.bft.core.message.wire.PieceBody;
import dev.bft.core.message.wire.StateBody;
import dev.bft.core.service.ChunkPieces;
import dev.bft.core.service.MerkleTree;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;

/**
 * FETCH and STATE, the two messages of state transfer, both ways. The decoder holds every field to
 * what any state could need (a tree of at most 2^30 leaves, a position of at most
 * {@link StateSnapshot#MAX_POSITION_BYTES}, a page of the client table below
 * {@link ChunkPieces#MAX_PIECES}); whether the node or chunk exists in this state is the
 * server's and the fetcher's business, since the decoder does not know the chunk count.
 */
final class StateBodies {
  private StateBodies() {}

  static FetchState fetch(int sender, ByteString b, WireForm wire, WireLimits limits) throws Reject {
    FetchBody f = parse(FetchBody.parser(), b, MessageType.FETCH);
    long sequence = positive(f.getSequence(), "sequence");
    FetchState.Ask ask = switch (f.getAskCase()) {
      case MANIFEST_PAGE -> new FetchState.ManifestPage(page(f.getManifestPage()));
      case NODE -> {
        NodeAsk n = f.getNode();
        int level = level(n.getLevel());
        yield new FetchState.NodePage(level, nodeIndex(level, n.getIndex()), depth(level, n.getDepth(), limits));
      }
      case PIECE -> {
        PieceAsk p = f.getPiece();
        yield new FetchState.Piece(chunk(p.getChunk()), position(p.getPosition(), "position"));
      }
      case ASK_NOT_SET -> throw new Reject(Rejection.MISSING_FIELD, "FETCH asks for nothing");
    };
    return new FetchState(sequence, ask, sender, wire);
  }

  static StateChunk state(int sender, ByteString b, WireForm wire, WireLimits limits) throws Reject {
    StateBody s = parse(StateBody.parser(), b, MessageType.STATE);
    long sequence = positive(s.getSequence(), "sequence");
    StateChunk.Answer answer = switch (s.getAnswerCase()) {
      case MANIFEST -> {
        ManifestPageBody m = s.getManifest();
        yield new StateChunk.ManifestPage(page(m.getPage()), bounded(m.getBytes(), limits.maxChunkBytes(), "manifest page"));
      }
      case NODE -> {
        NodePageBody n = s.getNode();
        int level = level(n.getLevel());
        int index = nodeIndex(level, n.getIndex());
        int depth = depth(level, n.getDepth(), limits);
        yield new StateChunk.NodePage(level, index, depth, digests(n.getDigests(), depth));
      }
      case PIECE -> {
        PieceBody p = s.getPiece();
        int chunk = chunk(p.getChunk());
        byte[] position = position(p.getPosition(), "position");
        byte[] next = position(p.getNext(), "next position");
        if (p.getLast() != (next.length == 0)) {
          // An empty position is a chunk's start, so only the last piece may name none.
          throw new Reject(Rejection.MALFORMED, "STATE piece of chunk " + chunk + (p.getLast()
              ? " is the last yet names a next position" : " is not the last yet names no next position"));
        }
        yield new StateChunk.Piece(chunk, position, bounded(p.getBytes(), limits.maxChunkBytes(), "piece"),
            p.getLast() ? null : next);
      }
      case ANSWER_NOT_SET -> throw new Reject(Rejection.MISSING_FIELD, "STATE answers nothing");
    };
    return new StateChunk(sequence, answer, sender, wire);
  }

  static byte[] encode(FetchState f) {
    FetchBody.Builder b = FetchBody.newBuilder().setSequence(f.sequence());
    if (f.ask() instanceof FetchState.ManifestPage m) {
      b.setManifestPage(m.page());
    } else if (f.ask() instanceof FetchState.NodePage n) {
      b.setNode(NodeAsk.newBuilder().setLevel(n.level()).setIndex(n.index()).setDepth(n.depth()));
    } else if (f.ask() instanceof FetchState.Piece p) {
      b.setPiece(PieceAsk.newBuilder().setChunk(p.chunk()).setPosition(ByteString.copyFrom(p.position())));
    }
    return b.build().toByteArray();
  }

  /** Throws IllegalStateException for an answer a decoder with {@code limits} would refuse: peers would count it against us. */
  static byte[] encode(StateChunk s, int self, WireLimits limits) {
    StateBody.Builder b = StateBody.newBuilder().setSequence(s.sequence());
    if (s.answer() instanceof StateChunk.ManifestPage m) {
      fits(m.bytes(), "manifest page " + m.page(), self, limits);
      b.setManifest(ManifestPageBody.newBuilder().setPage(m.page()).setBytes(ByteString.copyFrom(m.bytes())));
    } else if (s.answer() instanceof StateChunk.NodePage n) {
      byte[] packed = new byte[n.digests().length * Digest.SIZE];
      for (int i = 0; i < n.digests().length; i++) {
        System.arraycopy(n.digests()[i].bytesUnsafe(), 0, packed, i * Digest.SIZE, Digest.SIZE);
      }
      b.setNode(NodePageBody.newBuilder().setLevel(n.level()).setIndex(n.index()).setDepth(n.depth())
          .setDigests(ByteString.copyFrom(packed)));
    } else if (s.answer() instanceof StateChunk.Piece p) {
      fits(p.bytes(), "piece of chunk " + p.chunk(), self, limits);
      b.setPiece(PieceBody.newBuilder().setChunk(p.chunk()).setPosition(ByteString.copyFrom(p.position()))
          .setBytes(ByteString.copyFrom(p.bytes())).setNext(p.last() ? ByteString.EMPTY : ByteString.copyFrom(p.next()))
          .setLast(p.last()));
    }
    return b.build().toByteArray();
  }

  private static void fits(byte[] bytes, String what, int self, WireLimits limits) {
    if (bytes.length > limits.maxChunkBytes()) {
      throw new IllegalStateException("node " + self + ": a STATE " + what + " of " + bytes.length
          + " bytes exceeds the chunk limit of " + limits.maxChunkBytes() + " bytes; peers would refuse it");
    }
  }

  private static int page(int page) throws Reject {
    if (index(page, "manifest page") >= ChunkPieces.MAX_PIECES) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, "manifest page " + page + ", a client table has at most "
          + ChunkPieces.MAX_PIECES);
    }
    return page;
  }

  private static int level(int level) throws Reject {
    if (index(level, "tree level") > MerkleTree.MAX_DEPTH) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, "tree level " + level + ", a state tree has at most "
          + MerkleTree.MAX_DEPTH);
    }
    return level;
  }

  private static int nodeIndex(int level, int index) throws Reject {
    if (index(index, "node index") >= 1 << level) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, "node " + index + " of level " + level + ", which has "
          + (1 << level));
    }
    return index;
  }

  private static int depth(int level, int depth, WireLimits limits) throws Reject {
    if (depth < 1 || depth > limits.maxNodeDepth() || level + depth > MerkleTree.MAX_DEPTH) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, "node page " + Integer.toUnsignedString(depth)
          + " levels below level " + level + " (1 to " + limits.maxNodeDepth() + ", above level "
          + (MerkleTree.MAX_DEPTH + 1) + ")");
    }
    return depth;
  }

  private static int chunk(int chunk) throws Reject {
    if (index(chunk, "chunk") >= 1 << MerkleTree.MAX_DEPTH) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, "chunk " + chunk + ", a state has at most 2^"
          + MerkleTree.MAX_DEPTH);
    }
    return chunk;
  }

  private static byte[] position(ByteString b, String what) throws Reject {
    return bounded(b, StateSnapshot.MAX_POSITION_BYTES, what);
  }

  private static Digest[] digests(ByteString packed, int depth) throws Reject {
    int count = 1 << depth;
    if (packed.size() != count * Digest.SIZE) {
      throw new Reject(Rejection.MALFORMED, "node page of depth " + depth + " carries " + packed.size()
          + " bytes, not " + count + " digests");
    }
    Digest[] digests = new Digest[count];
    for (int i = 0; i < count; i++) {
      digests[i] = Digest.of(packed.substring(i * Digest.SIZE, (i + 1) * Digest.SIZE).toByteArray());
    }
    return digests;
  }
}
