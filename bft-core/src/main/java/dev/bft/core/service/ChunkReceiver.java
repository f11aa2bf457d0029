package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * One chunk arriving by state transfer, piece by piece in order, staged where the service keeps
 * state (for a service on LMDB, in LMDB: a chunk larger than the heap still arrives) and invisible
 * to execution until {@link ReplicatedService#install} installs it.
 *
 * <p>The bytes come from a peer that may lie. The receiver holds every count and length it parses
 * to what the encoding declared before allocating or storing anything for it, and refuses bytes
 * beyond the declared end; the digest it computes as the bytes arrive is compared by the fetcher
 * with the chunk digest 2f + 1 replicas proved, and a receiver whose digest does not match is
 * {@link #discard discarded}.
 */
public interface ChunkReceiver {
  /** The chunk being received. */
  int chunk();

  /**
   * The next piece of the chunk's encoding. False when the bytes cannot continue an encoding of this
   * chunk (malformed, or more than the encoding declared): the receiver is then spoilt, and the
   * caller discards it and asks another peer.
   */
  boolean accept(byte[] piece);

  /**
   * After the piece the sender marked last: the digest of the chunk received ({@link
   * ReplicatedService#chunkDigests()}'s kind), or null when the encoding is incomplete.
   */
  Digest finish();

  /** Forgets what was staged: the sender lied, or the transfer was abandoned or superseded. */
  void discard();
}
