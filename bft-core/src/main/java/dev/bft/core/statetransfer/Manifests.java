package dev.bft.core.statetransfer;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.service.ChunkPieces;
import dev.bft.crypto.Digest;
import java.util.Arrays;

/**
 * A checkpoint's manifest in pages that each fit one STATE frame: page 0 is
 * {@code [state root:32][piece 0 of the client table]}, page k > 0 is piece k of the client table
 * ({@link ChunkPieces}). Page 0 alone proves itself against the checkpoint digest
 * ({@link dev.bft.core.protocol.StateDigests#checkpoint(Digest, Digest)} of the root and the table
 * digest piece 0 names); the chunk digests are not listed but walked from the root
 * ({@link TreeWalk}), and the table, which grows with every client's last result, is what is cut.
 */
public final class Manifests {
  private Manifests() {}

  /** Page 0 as a receiver parses it: the state root and the head of the client table. */
  public record First(Digest root, ChunkPieces.Head table) {}

  /** Page {@code page} of the manifest of a state with this root and this encoded client table, or null when there is none. */
  public static byte[] page(Digest root, byte[] encodedTable, int page) {
    byte[] tablePiece = ChunkPieces.piece(encodedTable, page);
    if (tablePiece == null || page > 0) {
      return tablePiece;
    }
    byte[] first = Arrays.copyOf(root.bytesUnsafe(), Digest.SIZE + tablePiece.length);
    System.arraycopy(tablePiece, 0, first, Digest.SIZE, tablePiece.length);
    return first;
  }

  /** Page 0, or null if the bytes are not one (a Byzantine peer). */
  public static First parseFirst(byte[] bytes) {
    if (bytes.length < Digest.SIZE) {
      return null;
    }
    ChunkPieces.Head table = ChunkPieces.parseHead(Arrays.copyOfRange(bytes, Digest.SIZE, bytes.length));
    return table == null ? null : new First(Digest.of(Arrays.copyOf(bytes, Digest.SIZE)), table);
  }

  /**
   * The client table from its verified encoding. Verified bytes come from a correct replica's
   * encode, so a failure here is this code's bug, not a peer's lie.
   */
  static ClientTable table(byte[] encoded, long view, int self) {
    return ClientTable.decode(encoded, view, self);
  }
}
