package dev.bft.core.runtime;

import dev.bft.core.protocol.ClientTable;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * How state transfer rides on FETCH and STATE. FETCH with {@code chunkCount = 0} asks for the
 * manifest, answered by STATE with {@code chunkTotal = 0} whose chunk is
 * {@code [count:4][count x 32-byte chunk digest][client table]}; FETCH with a chunk range asks for
 * chunks, answered by one STATE per chunk. Everything a peer sends is checked by the
 * {@link dev.bft.core.statetransfer.StateFetcher} against the proven checkpoint digest.
 */
final class StateTransferWire {
  private StateTransferWire() {}

  record Manifest(Digest[] leaves, ClientTable clients) {}

  static byte[] encodeManifest(Digest[] leaves, ClientTable clients) {
    byte[] table = clients.encode();
    ByteBuffer b = ByteBuffer.allocate(4 + leaves.length * Digest.SIZE + table.length).putInt(leaves.length);
    for (Digest d : leaves) {
      b.put(d.bytesUnsafe());
    }
    return b.put(table).array();
  }

  /**
   * The manifest in a STATE chunk, or null if the bytes are not one (a Byzantine peer). Lengths are
   * checked against the bytes present, never trusted for an allocation.
   */
  static Manifest decodeManifest(byte[] bytes, long view, int self) {
    if (bytes.length < 4) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int count = b.getInt();
    if (count < 0 || count > b.remaining() / Digest.SIZE) {
      return null;
    }
    Digest[] leaves = new Digest[count];
    for (int i = 0; i < count; i++) {
      byte[] d = new byte[Digest.SIZE];
      b.get(d);
      leaves[i] = Digest.of(d);
    }
    byte[] table = Arrays.copyOfRange(bytes, b.position(), bytes.length);
    try {
      return new Manifest(leaves, ClientTable.decode(table, view, self));
    } catch (IllegalArgumentException notATable) {
      return null;
    }
  }
}
