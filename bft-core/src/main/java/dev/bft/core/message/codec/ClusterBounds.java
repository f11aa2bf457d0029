package dev.bft.core.message.codec;

import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.ReplicaConfig;

/**
 * The cluster numbers a decoder needs to bound certificates by their structure before it verifies
 * a single signature inside them: n and f (through {@link Quorum}), the checkpoint interval K and
 * the log window L. A VIEW-CHANGE or NEW-VIEW larger than a correct replica could build for this
 * cluster is refused for its shape, so its size cannot buy signature checks.
 */
public record ClusterBounds(Quorum quorum, int checkpointInterval, int logWindow, long epochStart) {
  public ClusterBounds {
    if (checkpointInterval < 1 || logWindow < checkpointInterval || logWindow % checkpointInterval != 0) {
      throw new IllegalArgumentException("log window " + logWindow
          + " must be a positive multiple of the checkpoint interval " + checkpointInterval);
    }
  }

  public ClusterBounds(Quorum quorum, int checkpointInterval, int logWindow) {
    this(quorum, checkpointInterval, logWindow, 0);
  }

  public static ClusterBounds of(int n, int checkpointInterval, int logWindow) {
    return new ClusterBounds(Quorum.ofReplicas(n), checkpointInterval, logWindow);
  }

  /** The bounds of a configuration, whose epoch's first stable checkpoint comes without a proof. */
  public static ClusterBounds of(dev.bft.core.config.ClusterConfig config) {
    return new ClusterBounds(Quorum.ofReplicas(config.n()), config.parameters().checkpointInterval(),
        config.parameters().logWindow(), config.start().sequence());
  }

  public static ClusterBounds of(ReplicaConfig config) {
    return new ClusterBounds(config.quorum(), config.checkpointInterval(), config.logWindow());
  }
}
