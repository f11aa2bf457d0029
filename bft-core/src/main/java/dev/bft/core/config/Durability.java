package dev.bft.core.config;

/** When a replica's log writes reach the disk (docs/protocol.md, Durability). */
public enum Durability {
  /** fsync before any message that depends on the write leaves: survives every replica losing power. */
  SYNC,
  /** write-behind: survives process crashes; on power loss relies on at most f replicas failing at once. */
  ASYNC
}
