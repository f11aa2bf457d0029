package dev.bft.core.config;

/**
 * The tunable parameters of a cluster, with the defaults of docs/configuration.md. Every replica of a cluster
 * must run with the same values (they are in the shared cluster file for that reason).
 */
public record ProtocolParameters(int batchSize, long batchDelayMillis, int pipelineDepth, int checkpointInterval,
                                 int logWindow, long viewChangeTimeoutMillis, long primaryIdleTimeoutMillis,
                                 Durability durability, long storageMapMegabytes, long batchLingerMillis,
                                 boolean tls, long timestampSkewMillis, long serviceMapMegabytes,
                                 int replyDigestBytes) {
  /**
   * {@code batchDelayMillis} of the drain rule (docs/protocol.md, Batching), the default: a partial
   * batch waits while others are in flight until the pipeline drains (written
   * {@code batch.delay.ms = drain}).
   */
  public static final long UNTIL_DRAINED = -1;

  /**
   * How large a service that stores its own state (the key-value store on LMDB) may let it grow:
   * 64 GiB of address space, reserved, not allocated (a memory map takes disk only as it fills).
   */
  public static final long DEFAULT_SERVICE_MAP_MEGABYTES = 64 * 1024;

  /** The same parameters with TLS on links switched {@code on} or off. */
  public ProtocolParameters withTls(boolean on) {
    return new ProtocolParameters(batchSize, batchDelayMillis, pipelineDepth, checkpointInterval, logWindow,
        viewChangeTimeoutMillis, primaryIdleTimeoutMillis, durability, storageMapMegabytes, batchLingerMillis, on,
        timestampSkewMillis, serviceMapMegabytes, replyDigestBytes);
  }

  /** What replica {@code self}'s protocol core runs with: these parameters, a tick being a millisecond. */
  public dev.bft.core.protocol.ReplicaConfig replicaConfig(dev.bft.core.protocol.Quorum quorum, int self) {
    long delay = batchDelayMillis == UNTIL_DRAINED ? dev.bft.core.protocol.ReplicaConfig.UNTIL_DRAINED : batchDelayMillis;
    return new dev.bft.core.protocol.ReplicaConfig(quorum, self, batchSize, delay, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutMillis, primaryIdleTimeoutMillis, batchLingerMillis, timestampSkewMillis,
        replyDigestBytes);
  }

  /** A drained primary's wait for the clients it just answered: merges closed-loop cohorts; backs off on open loads. */
  public static final long DEFAULT_LINGER_MILLIS = 3;

  public static ProtocolParameters defaults() {
    // The linger is on by default (docs/protocol.md, Batching): it backs off by itself where it does not pay.
    return new ProtocolParameters(256, UNTIL_DRAINED, 16, 128, 256, 2000, 250, Durability.SYNC, 1024, DEFAULT_LINGER_MILLIS, true,
        dev.bft.core.protocol.ReplicaConfig.DEFAULT_TIMESTAMP_SKEW_TICKS, DEFAULT_SERVICE_MAP_MEGABYTES,
        dev.bft.core.protocol.ReplicaConfig.DEFAULT_REPLY_DIGEST_BYTES);
  }
}
