package dev.bft.core.protocol;

/**
 * The protocol parameters one replica runs with. Times are in ticks: the shell decides what a tick
 * is (the runtime uses milliseconds; the simulator its virtual clock).
 *
 * @param maxBatchSize         requests per PRE-PREPARE at most
 * @param batchDelayTicks      how long a partial batch may wait while others are in flight, or
 *                             {@link #UNTIL_DRAINED}: until none are (the drain rule)
 * @param pipelineDepth        sequence numbers the primary keeps in flight (assigned, not executed)
 * @param checkpointInterval   K: a checkpoint after every K-th sequence number
 * @param logWindow            L: sequence numbers accepted above the low watermark, a multiple of K
 * @param viewChangeTimeoutTicks how long a backup waits for a known request to execute
 * @param primaryIdleTimeoutTicks how long a backup lets a request it knows of go without a
 *                             PRE-PREPARE while the primary's pipeline has room (one to two of these)
 * @param batchLingerTicks     with nothing in flight, how long a partial batch may wait while fewer
 *                             requests are pending than clients were in the last two batches (0: never)
 * @param timestampSkewTicks   how far a primary's batch timestamp may lie from a backup's clock,
 *                             either way, for the backup to accept the PRE-PREPARE
 * @param replyDigestBytes     a result longer than this goes in full from the request's designated
 *                             replier only, by digest from the others (0: always in full)
 */
public record ReplicaConfig(Quorum quorum, int replicaId, int maxBatchSize, long batchDelayTicks,
                            int pipelineDepth, int checkpointInterval, int logWindow,
                            long viewChangeTimeoutTicks, long primaryIdleTimeoutTicks, long batchLingerTicks,
                            long timestampSkewTicks, int replyDigestBytes) {
  /** {@code batchDelayTicks}: a partial batch waits for the pipeline to drain, however long that takes. */
  public static final long UNTIL_DRAINED = -1;
  /** The cluster file's {@code timestamp.skew.ms} default: 30 s, far above NTP's errors, far below a useful lie. */
  public static final long DEFAULT_TIMESTAMP_SKEW_TICKS = 30_000;
  /**
   * The cluster file's {@code reply.digest.bytes} default: below a kilobyte a result costs about what
   * its signed envelope does, so sending it n times is cheap and a retransmission is never needed.
   */
  public static final int DEFAULT_REPLY_DIGEST_BYTES = 1024;

  /** With the default reply digest threshold. */
  public ReplicaConfig(Quorum quorum, int replicaId, int maxBatchSize, long batchDelayTicks, int pipelineDepth,
                       int checkpointInterval, int logWindow, long viewChangeTimeoutTicks, long primaryIdleTimeoutTicks,
                       long batchLingerTicks, long timestampSkewTicks) {
    this(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval, logWindow,
        viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, timestampSkewTicks, DEFAULT_REPLY_DIGEST_BYTES);
  }

  /** With the default timestamp skew. */
  public ReplicaConfig(Quorum quorum, int replicaId, int maxBatchSize, long batchDelayTicks, int pipelineDepth,
                       int checkpointInterval, int logWindow, long viewChangeTimeoutTicks, long primaryIdleTimeoutTicks,
                       long batchLingerTicks) {
    this(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval, logWindow,
        viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, DEFAULT_TIMESTAMP_SKEW_TICKS);
  }

  /** Without lingering: a batch closes at the latest when the pipeline drains. */
  public ReplicaConfig(Quorum quorum, int replicaId, int maxBatchSize, long batchDelayTicks, int pipelineDepth,
                       int checkpointInterval, int logWindow, long viewChangeTimeoutTicks, long primaryIdleTimeoutTicks) {
    this(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval, logWindow,
        viewChangeTimeoutTicks, primaryIdleTimeoutTicks, 0);
  }

  /** With the default idle timeout: an eighth of the view-change timeout. */
  public ReplicaConfig(Quorum quorum, int replicaId, int maxBatchSize, long batchDelayTicks, int pipelineDepth,
                       int checkpointInterval, int logWindow, long viewChangeTimeoutTicks) {
    this(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval, logWindow,
        viewChangeTimeoutTicks, defaultIdleTimeout(viewChangeTimeoutTicks));
  }

  public static long defaultIdleTimeout(long viewChangeTimeoutTicks) {
    return Math.max(1, viewChangeTimeoutTicks / 8);
  }

  public ReplicaConfig {
    if (!quorum.isReplica(replicaId)) {
      throw new IllegalArgumentException("replica id " + replicaId + " is outside 0.." + (quorum.n() - 1));
    }
    if (maxBatchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatchSize);
    }
    if (batchDelayTicks < UNTIL_DRAINED || batchLingerTicks < 0 || viewChangeTimeoutTicks < 1 || primaryIdleTimeoutTicks < 1) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    if (replyDigestBytes < 0) {
      throw new IllegalArgumentException("reply digest threshold must be 0 (never) or positive, got " + replyDigestBytes);
    }
    if (timestampSkewTicks < 1) {
      throw new IllegalArgumentException("timestamp skew must be positive, got " + timestampSkewTicks);
    }
    if (checkpointInterval < 1 || logWindow < checkpointInterval || logWindow % checkpointInterval != 0) {
      throw new IllegalArgumentException("log window " + logWindow + " must be a positive multiple of the checkpoint interval "
          + checkpointInterval);
    }
    if (pipelineDepth < 1 || pipelineDepth > logWindow) {
      throw new IllegalArgumentException("pipeline depth " + pipelineDepth + " must be in 1.." + logWindow);
    }
  }

  /** Whether a partial batch waits for the pipeline to drain (no batch-delay timer). */
  public boolean batchesWaitForDrain() {
    return batchDelayTicks == UNTIL_DRAINED;
  }

  /** The cluster file's K = 128, L = 2K and batches of up to 256 (docs/configuration.md). */
  public static ReplicaConfig defaults(Quorum quorum, int replicaId) {
    return new ReplicaConfig(quorum, replicaId, 256, 2, 16, 128, 256, 2000);
  }

  public ReplicaConfig withReplicaId(int id) {
    return new ReplicaConfig(quorum, id, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, timestampSkewTicks, replyDigestBytes);
  }

  public ReplicaConfig withBatching(int maxBatch, long delayTicks, int depth) {
    return new ReplicaConfig(quorum, replicaId, maxBatch, delayTicks, depth, checkpointInterval, logWindow,
        viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, timestampSkewTicks, replyDigestBytes);
  }

  public ReplicaConfig withCheckpoints(int interval, int window) {
    return new ReplicaConfig(quorum, replicaId, maxBatchSize, batchDelayTicks, Math.min(pipelineDepth, window),
        interval, window, viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, timestampSkewTicks, replyDigestBytes);
  }

  public ReplicaConfig withPrimaryIdleTimeout(long ticks) {
    return new ReplicaConfig(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutTicks, ticks, batchLingerTicks, timestampSkewTicks, replyDigestBytes);
  }

  public ReplicaConfig withBatchLinger(long ticks) {
    return new ReplicaConfig(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutTicks, primaryIdleTimeoutTicks, ticks, timestampSkewTicks, replyDigestBytes);
  }

  public ReplicaConfig withTimestampSkew(long ticks) {
    return new ReplicaConfig(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, ticks, replyDigestBytes);
  }

  public ReplicaConfig withReplyDigestBytes(int bytes) {
    return new ReplicaConfig(quorum, replicaId, maxBatchSize, batchDelayTicks, pipelineDepth, checkpointInterval,
        logWindow, viewChangeTimeoutTicks, primaryIdleTimeoutTicks, batchLingerTicks, timestampSkewTicks, bytes);
  }

  /** Whether a result of {@code length} bytes goes by digest from all but its designated replier. */
  public boolean repliesByDigest(int length) {
    return replyDigestBytes > 0 && length > replyDigestBytes;
  }
}
