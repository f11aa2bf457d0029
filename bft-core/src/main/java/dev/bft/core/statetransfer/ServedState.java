package dev.bft.core.statetransfer;

import dev.bft.core.message.FetchState;
import dev.bft.core.message.StateChunk;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ChunkPieces;
import dev.bft.core.service.MerkleTree;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import java.util.Arrays;

/**
 * A checkpoint's snapshot as state transfer serves it to peers: manifest pages, node pages of its
 * Merkle tree, and pieces of chunks read from the snapshot. Safe to use from several threads at
 * once. The tree and the encoded client table are computed on the first ask that needs them (most
 * snapshots are never served) and kept while the snapshot is held.
 *
 * <p>{@link #close} may come while a read is in progress on another thread: the snapshot is closed
 * when the last read ends, and an ask after close is answered with nothing.
 */
public final class ServedState implements AutoCloseable {
  /** Bytes of a chunk per piece: large enough that a piece's signature is cheap beside it, well under the 4 MiB frame limit. */
  public static final int PIECE_BYTES = 1 << 20;

  private final StateSnapshot snapshot;
  private final ClientTable clients;
  private Digest[][] tree;
  private byte[] encodedTable;
  private int readers;
  private boolean closed;

  public ServedState(StateSnapshot snapshot, ClientTable clients) {
    this.snapshot = snapshot;
    this.clients = clients;
  }

  /**
   * The answer to {@code ask}, or null when this snapshot cannot have one (a node outside its tree,
   * a chunk beyond its count, a page the table does not have, a position the snapshot never gave:
   * a Byzantine asker) or it was closed.
   */
  public StateChunk.Answer answer(FetchState.Ask ask) {
    if (!enter()) {
      return null;
    }
    try {
      if (ask instanceof FetchState.ManifestPage m) {
        Digest[][] levels = levels();
        byte[] page = Manifests.page(levels[TreeWalk.pageDepth(levels.length - 1, 0, StateFetcher.PAGE_DEPTH)], table(),
            m.page());
        return page == null ? null : new StateChunk.ManifestPage(m.page(), page);
      }
      Digest[][] levels = levels();
      int depth = levels.length - 1;
      if (ask instanceof FetchState.NodePage n) {
        if (n.level() + n.depth() > depth || n.index() >= 1 << n.level()) {
          return null;
        }
        int first = n.index() << n.depth();
        Digest[] below = Arrays.copyOfRange(levels[n.level() + n.depth()], first, first + (1 << n.depth()));
        return new StateChunk.NodePage(n.level(), n.index(), n.depth(), below);
      }
      FetchState.Piece p = (FetchState.Piece) ask;
      if (p.chunk() >= levels[depth].length) {
        return null;
      }
      StateSnapshot.Piece piece = snapshot.read(p.chunk(), p.position(), PIECE_BYTES);
      return piece == null ? null : new StateChunk.Piece(p.chunk(), p.position(), piece.bytes(), piece.next());
    } finally {
      exit();
    }
  }

  /** The most bytes an answer to {@code ask} can carry: what a peer's budget is charged before the answer is made. */
  public static int boundOf(FetchState.Ask ask) {
    if (ask instanceof FetchState.NodePage n) {
      return Digest.SIZE << n.depth();
    }
    if (ask instanceof FetchState.Piece) {
      return PIECE_BYTES;
    }
    return 4 + Manifests.MAX_TOP * Digest.SIZE + 4 + ChunkPieces.MAX_PIECES * Digest.SIZE + ChunkPieces.SLICE_BYTES;
  }

  /** The bytes an answer carries: what the peer's budget is charged in the end. */
  public static int sizeOf(StateChunk.Answer answer) {
    if (answer instanceof StateChunk.ManifestPage m) {
      return m.bytes().length;
    }
    if (answer instanceof StateChunk.NodePage n) {
      return n.digests().length * Digest.SIZE;
    }
    StateChunk.Piece p = (StateChunk.Piece) answer;
    return p.bytes().length + p.position().length + (p.last() ? 0 : p.next().length);
  }

  /**
   * The snapshot, kept open until {@link #unpin} however many checkpoints become stable meanwhile
   * (an export reads all of it, which may take longer than a checkpoint interval); null if closed.
   */
  public StateSnapshot pin() {
    return enter() ? snapshot : null;
  }

  /** Ends a {@link #pin}. */
  public void unpin() {
    exit();
  }

  /** The client table of this checkpoint, as its digest covers it. */
  public byte[] encodedClients() {
    return table();
  }

  private synchronized Digest[][] levels() {
    if (tree == null) {
      tree = MerkleTree.levels(snapshot.chunkDigests());
    }
    return tree;
  }

  private synchronized byte[] table() {
    if (encodedTable == null) {
      encodedTable = clients.encode();
    }
    return encodedTable;
  }

  private synchronized boolean enter() {
    if (closed) {
      return false;
    }
    readers++;
    return true;
  }

  private void exit() {
    boolean last;
    synchronized (this) {
      last = --readers == 0 && closed;
    }
    if (last) {
      snapshot.close();
    }
  }

  /** Closes the snapshot now, or when the read in progress ends. */
  @Override
  public void close() {
    boolean now;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      now = readers == 0;
    }
    if (now) {
      snapshot.close();
    }
  }
}
