package dev.bft.storage;

/** The tables of a replica's environment. */
public enum Table {
  /** Protocol records above the stable checkpoint, keyed by big-endian sequence number first. */
  LOG,
  /** Small facts: the view, the stable checkpoint, the state's checkpoint. */
  META,
  /** The service state at the last persisted checkpoint, one entry per chunk. */
  STATE
}
