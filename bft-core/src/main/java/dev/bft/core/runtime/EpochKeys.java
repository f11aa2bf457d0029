package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.KeyFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What a replica runs as when its epoch ends (docs/reconfiguration.md): the same key, the rotated
 * key {@code bft reconfigure --rotate-key} left next to its key file, or nothing, when the next
 * configuration leaves it out; {@code bft replica} and {@link EmbeddedReplica} alike.
 */
public final class EpochKeys {
  /** How long no replica that stays may be linked before a replica left out concludes they all moved on. */
  public static final long MOVED_ON_MILLIS = 5_000;
  /**
   * The longest a replica left out serves: by then a replica that stays and is still behind has
   * been told of the new epoch (EPOCH-NOTICE) and fetches the start from the f' + 1 that stay.
   */
  public static final long LINGER_MILLIS = 60_000;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EpochKeys.class);

  private EpochKeys() {}

  /** Where {@code bft reconfigure --rotate-key} puts a replica's next key: beside the key it replaces. */
  public static Path nextKeyFile(Path keyFile) {
    return keyFile.resolveSibling(keyFile.getFileName() + ".next");
  }

  /**
   * The key this replica runs {@code next} with, or null when {@code next} leaves it out. A rotated
   * key takes the old one's place in the key file, so a later start uses it.
   */
  public static Ed25519KeyPair keyFor(ClusterConfig next, Ed25519KeyPair current, Path keyFile) throws IOException {
    if (next.idOf(current.publicKey()) >= 0) {
      return current;
    }
    if (keyFile == null) {
      return null; // a key given in memory has no rotated one beside it
    }
    Path rotated = nextKeyFile(keyFile);
    if (!Files.exists(rotated)) {
      return null;
    }
    Ed25519KeyPair key = KeyFiles.read(rotated);
    if (next.idOf(key.publicKey()) < 0) {
      return null;
    }
    Files.move(rotated, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return key;
  }

  /**
   * A replica left out of {@code next} serves the old epoch (its state, by state transfer) for as
   * long as a replica that stays still runs that epoch with it: one that is behind may need the
   * state at the epoch checkpoint from it. A replica that moved on closes its link and, with the
   * new epoch's keys, refuses this one's; once none has been linked for {@link #MOVED_ON_MILLIS},
   * or after {@link #LINGER_MILLIS} in all, this one returns and the process stops.
   */
  public static void lingerLeftOut(ReplicaNode node, int self, ClusterConfig current, ClusterConfig next)
      throws InterruptedException {
    List<Integer> staying = new ArrayList<>();
    current.replicas().values().forEach(r -> {
      if (r.id() != self && next.idOf(r.publicKey()) >= 0) {
        staying.add(r.id());
      }
    });
    LOG.warn("replica {}: epoch {} leaves it out; it serves epoch {}'s end to replicas {} until they have moved on",
        self, next.epoch(), current.epoch(), staying);
    long unlinkedSince = System.nanoTime();
    long said = System.nanoTime();
    long since = System.nanoTime();
    while ((System.nanoTime() - unlinkedSince) / 1_000_000 < MOVED_ON_MILLIS
        && (System.nanoTime() - since) / 1_000_000 < LINGER_MILLIS) {
      List<Integer> linked = staying.stream().filter(node::linkedTo).toList();
      if (!linked.isEmpty()) {
        unlinkedSince = System.nanoTime();
        if (System.nanoTime() - said > 10_000_000_000L) {
          LOG.info("replica {}: still serving epoch {}'s end to replicas {}", self, current.epoch(), linked);
          said = System.nanoTime();
        }
      }
      Thread.sleep(200);
    }
  }
}
