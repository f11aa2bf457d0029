package dev.bft.core.config;

/**
 * The tunable parameters of a cluster, with the defaults of PROTOCOL.md. Every replica of a cluster
 * must run with the same values (they are in the shared cluster file for that reason).
 */
public record ProtocolParameters(int batchSize, long batchDelayMillis, int pipelineDepth, int checkpointInterval,
                                 int logWindow, long viewChangeTimeoutMillis, long primaryIdleTimeoutMillis,
                                 Durability durability, long storageMapMegabytes, long batchLingerMillis) {
  public static ProtocolParameters defaults() {
    return new ProtocolParameters(256, 6, 16, 128, 256, 2000, 250, Durability.SYNC, 1024, 0);
  }
}
