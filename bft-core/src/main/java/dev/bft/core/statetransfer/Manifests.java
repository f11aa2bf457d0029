package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ChunkPieces;
import dev.bft.crypto.Digest;
import dev.bft.core.service.MerkleTree;

/**
 * A checkpoint's manifest in pages that each fit one STATE frame: page 0 is
 * {@code [K:4][K x 32-byte digest][piece 0 of the client table]}, page k > 0 is piece k of the client
 * table ({@link ChunkPieces}). The K digests are the top of the state's Merkle tree, the first node
 * page below the root ({@link TreeWalk#pageDepth}; for a state of one chunk, that chunk's digest):
 * the root is their Merkle root, so page 0 alone proves itself against the checkpoint digest
 * ({@link dev.bft.core.protocol.StateDigests#checkpoint(Digest, Digest)} of the root and the table
 * digest piece 0 names), and carrying them saves the walk a round trip. The rest of the tree is
 * walked, not listed; the client table, which grows with every client's last result, is what is cut.
 */
public final class Manifests {
  /** The most digests page 0 carries: one node page. */
  public static final int MAX_TOP = 1 << StateFetcher.PAGE_DEPTH;

  private Manifests() {}

  /** Page 0 as a receiver parses it: the top of the tree and the head of the client table. */
  public record First(Digest[] top, ChunkPieces.Head table) {
    /** The state digest these top digests make. */
    public Digest root() {
      return MerkleTree.root(top);
    }
  }

  /** Page {@code page} of the manifest of a state with this top of its tree and this encoded client table, or null when there is none. */
  public static byte[] page(Digest[] top, byte[] encodedTable, int page) {
    byte[] tablePiece = ChunkPieces.piece(encodedTable, page);
    if (tablePiece == null || page > 0) {
      return tablePiece;
    }
    return ChunkPieces.withDigests(top, tablePiece);
  }

  /** Page 0, or null if the bytes are not one (a Byzantine peer). */
  public static First parseFirst(byte[] bytes) {
    ChunkPieces.Digested d = ChunkPieces.digested(bytes, 1, MAX_TOP);
    if (d == null || Integer.bitCount(d.digests().length) != 1) {
      return null;
    }
    ChunkPieces.Head table = ChunkPieces.parseHead(d.rest());
    return table == null ? null : new First(d.digests(), table);
  }

  /**
   * The client table from its verified encoding. Verified bytes come from a correct replica's
   * encode, so a failure here is this code's bug, not a peer's lie.
   */
  static ClientTable table(byte[] encoded, long view, int self) {
    return ClientTable.decode(encoded, view, self);
  }
}
