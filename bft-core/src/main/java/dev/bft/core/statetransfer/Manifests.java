package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ChunkPieces;
import dev.bft.crypto.Digest;

/**
 * A checkpoint's manifest in pages that each fit one STATE frame: page 0 is
 * {@code [count:4][count x 32-byte chunk digest][piece 0 of the client table]}, page k > 0 is piece
 * k of the client table ({@link ChunkPieces}). The chunk digests are 32 KiB for the default 1 024
 * buckets, while the table grows with every client's last result, so it is the table that is cut.
 */
public final class Manifests {
  private Manifests() {}

  /** Page 0 as a receiver parses it: the chunk digests and the head of the client table. */
  public record First(Digest[] leaves, ChunkPieces.Head table) {}

  /** Page {@code page} of the manifest of a state with these leaves and this client table, or null when there is none. */
  public static byte[] page(Digest[] leaves, ClientTable clients, int page) {
    byte[] tablePiece = ChunkPieces.piece(clients.encode(), page);
    if (tablePiece == null || page > 0) {
      return tablePiece;
    }
    return ChunkPieces.withDigests(leaves, tablePiece);
  }

  /** Page 0, or null if the bytes are not one (a Byzantine peer). */
  public static First parseFirst(byte[] bytes) {
    ChunkPieces.Digested d = ChunkPieces.digested(bytes, 0, Integer.MAX_VALUE);
    ChunkPieces.Head table = d == null ? null : ChunkPieces.parseHead(d.rest());
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
