package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * One chunk arriving by state transfer, piece by piece in order, staged where the service keeps
 * state (for a service on LMDB, in LMDB: a chunk larger than the heap still arrives) and invisible
 * to execution until {@link ReplicatedService#install} installs it.
 *
 * <p>The bytes come from a peer that may lie. The receiver knows the proven digest from the start
 * ({@link ReplicatedService#receiveChunk}) and the encoding begins with a header that the digest
 * commits to (sizes and a digest of the rest): the receiver checks the header against the proven
 * digest before it stages anything, then holds every count and length it parses to what the header
 * declared before allocating or storing anything for it, and refuses bytes beyond the declared
 * end. So a lying peer makes it stage at most what the honest chunk holds, not whatever the peer
 * declares: a receiver that only learnt of the lie at {@link #finish} would have let one Byzantine
 * peer fill the replica's disk or heap and stop it. The digest it gives at the end is compared by
 * the fetcher with the proven one, and a receiver that is refused or does not match is {@link
 * #discard discarded} and the chunk asked of another peer.
 */
public interface ChunkReceiver {
  /** The chunk being received. */
  int chunk();

  /**
   * The next piece of the chunk's encoding. False when the bytes cannot continue an encoding of this
   * chunk (malformed, a header that does not make the proven digest, or more than the header
   * declared): the receiver is then spoilt, and the caller discards it and asks another peer.
   */
  boolean accept(byte[] piece);

  /**
   * After the piece the sender marked last: the digest of the chunk received ({@link
   * ReplicatedService#chunkDigests()}'s kind), or null when the encoding is incomplete or what
   * arrived within the declared size does not make the digest the header promised.
   */
  Digest finish();

  /** Forgets what was staged: the sender lied, or the transfer was abandoned or superseded. */
  void discard();
}
