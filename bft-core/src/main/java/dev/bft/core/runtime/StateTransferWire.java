package dev.bft.core.runtime;

import dev.bft.core.protocol.ClientTable;
import dev.bft.core.statetransfer.Manifests;
import dev.bft.crypto.Digest;

/**
 * How state transfer rides on FETCH and STATE. FETCH with {@code chunkCount = 0} asks for page
 * {@code firstChunk} of the manifest, answered by STATE with {@code chunkTotal = 0} and
 * {@code chunkIndex} = the page ({@link Manifests}: page 0 holds every chunk digest and the head of
 * the client table, later pages the rest of a large table); FETCH with a chunk range asks for
 * chunk pieces, answered by one STATE per piece. Everything a peer sends is checked by the
 * {@link dev.bft.core.statetransfer.StateFetcher} against the proven checkpoint digest.
 */
final class StateTransferWire {
  private StateTransferWire() {}

  record Manifest(Digest[] leaves, ClientTable clients) {}

  /** Page 0 of the manifest. */
  static byte[] encodeManifest(Digest[] leaves, ClientTable clients) {
    return Manifests.page(leaves, clients, 0);
  }

  /** Page {@code page} of the manifest, or null when the client table has fewer pieces. */
  static byte[] encodeManifestPage(Digest[] leaves, ClientTable clients, int page) {
    return Manifests.page(leaves, clients, page);
  }

  /**
   * The whole manifest in a page 0 whose client table fits in it, or null if the bytes are not one
   * (a Byzantine peer) or the table continues on later pages (which
   * {@link dev.bft.core.statetransfer.StateFetcher#onManifestPage} assembles).
   */
  static Manifest decodeManifest(byte[] bytes, long view, int self) {
    try {
      Manifests.First first = Manifests.parseFirst(bytes);
      if (first == null || first.table().pieces() != 1) {
        return null;
      }
      return new Manifest(first.leaves(), ClientTable.decode(first.table().firstSlice(), view, self));
    } catch (RuntimeException e) {
      return null;
    }
  }
}
