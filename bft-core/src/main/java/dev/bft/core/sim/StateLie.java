package dev.bft.core.sim;

/** How a Byzantine state server lies, each in one shape of the state transfer answers. */
public enum StateLie {
  /** A node page with one digest changed: a subtree that does not hash up to the node asked about. */
  WRONG_SUBTREE,
  /** A chunk piece with its last byte flipped: the chunk's digest comes out wrong. */
  WRONG_PIECE,
  /** A next position that is not where the chunk goes on (and "more" after the last piece): it leads nowhere or to the wrong bytes. */
  LYING_NEXT,
  /** A chunk that never ends: after its last piece, more bytes at positions the server makes up. */
  ENDLESS_CHUNK,
  /**
   * A chunk whose head declares the largest length a heap chunk may have (2 GiB), then junk to fill
   * it, a piece of 1 MiB at each position the server makes up: a receiver that took what the head
   * declares would fill its heap (or disk) before any digest caught the lie.
   */
  HUGE_CHUNK
}
