package dev.bft.core.service;

import dev.bft.crypto.Digest;

/**
 * A service's state at a checkpoint, as chunks. Immutable and safe to read from any thread: the
 * replica serves it to lagging peers and writes it to disk while the service executes on.
 */
public interface StateSnapshot {
  /** The digest of every chunk when the snapshot was taken; their Merkle root is the state digest then. */
  Digest[] chunkDigests();

  /** The whole encoding of chunk {@code c}, whose {@link ReplicatedService#chunkDigest} is {@code chunkDigests()[c]}. */
  byte[] chunk(int c);
}
