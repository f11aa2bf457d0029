package dev.bft.core.runtime;

import dev.bft.core.service.ReplicatedService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which service a data directory's state belongs to. Its checkpoints are that service's chunks:
 * another service would stop on them or, worse, decode them as something else. So the directory
 * records the service class that first wrote it, and a replica started on it with another service
 * is refused before anything is opened.
 */
final class ServiceStamp {
  static final String FILE = "service";

  private ServiceStamp() {}

  /**
   * As {@link #claim}; on a refusal, what the service just opened goes again ({@code close}, and
   * {@code created}, the directory it created, unless null), so the refusal changes nothing.
   */
  static void claimOrUndo(Path dataDir, ReplicatedService service, Path created, Runnable close) {
    try {
      claim(dataDir, service);
    } catch (RuntimeException e) {
      close.run();
      if (created != null) {
        try {
          DataDirectories.deleteTree(created, false);
        } catch (IOException io) {
          org.slf4j.LoggerFactory.getLogger(ServiceStamp.class).warn("could not remove {}: {}", created, io.toString());
        }
      }
      throw e;
    }
  }

  /** Records {@code service} as the directory's owner, or throws IllegalArgumentException if another service owns it. */
  static void claim(Path dataDir, ReplicatedService service) {
    String mine = service.getClass().getName();
    Path stamp = dataDir.resolve(FILE);
    try {
      if (Files.exists(stamp)) {
        String owner = Files.readString(stamp, StandardCharsets.UTF_8).strip();
        if (!owner.equals(mine)) {
          throw new IllegalArgumentException("data directory " + dataDir + " holds the state of service " + owner
              + ", not " + mine + ": start the replica with that service, or give it another data directory");
        }
        return;
      }
      // A directory written before stamps existed is adopted: the service it ran was the one given now, or
      // its operator is told by the first checkpoint that does not decode.
      Files.createDirectories(dataDir);
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.writeString(tmp, mine + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, stamp, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the service of data directory " + dataDir, e);
    }
  }
}
