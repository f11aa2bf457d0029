package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.EpochStart;
import dev.bft.core.message.codec.EpochNotice;
import dev.bft.crypto.Digest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The epoch a replica's data directory has moved to ({@code <data>/epoch}): the configuration it
 * runs, where that epoch starts, the configuration before it and the 2f + 1 CHECKPOINTs of that one
 * that proved the start (docs/reconfiguration.md). Written once the epoch checkpoint is stable and
 * stored; from then on the directory belongs to the new epoch, whatever an older cluster file says.
 *
 * <p>Layout: {@code "BFT-EPO2" start:8 state:32 ordinary:32 next-length:4 next previous-length:4
 * previous proofs:4 (length:4 frame)*}, the configurations in their canonical bytes; the ordinary
 * digest is the start's state digest before it was bound to the next configuration.
 */
record EpochRecord(ClusterConfig next, Digest ordinary, ClusterConfig previous, List<byte[]> proof) {
  static final String FILE = "epoch";
  /** The next configuration, written when the reconfiguration executes and read if the replica restarts before the proof. */
  static final String PENDING = "epoch-next";
  private static final byte[] MAGIC = "BFT-EPO2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  EpochStart start() {
    return next.start();
  }

  byte[] encode() {
    byte[] n = Configurations.encode(next);
    byte[] p = Configurations.encode(previous);
    int size = MAGIC.length + 8 + 2 * Digest.SIZE + 4 + n.length + 4 + p.length + 4;
    for (byte[] f : proof) {
      size += 4 + f.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(MAGIC).putLong(start().sequence()).put(start().state().bytesUnsafe())
        .put(ordinary.bytesUnsafe()).putInt(n.length).put(n).putInt(p.length).put(p).putInt(proof.size());
    proof.forEach(f -> b.putInt(f.length).put(f));
    return b.array();
  }

  /** Written whole or not at all, and durable before it returns. */
  void write(Path data) {
    writeDurably(data.resolve(FILE), encode());
  }

  static void writePending(Path data, ClusterConfig next) {
    writeDurably(data.resolve(PENDING), Configurations.encode(next));
  }

  static ClusterConfig readPending(Path data, ClusterConfig local) {
    Path f = data.resolve(PENDING);
    try {
      return Files.exists(f) ? Configurations.decode(Files.readAllBytes(f), local.dataDirectory(), local.metricsHost()) : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }

  /**
   * The configuration a replica of data directory {@code data} runs: its epoch record's if that is
   * newer than the cluster file's {@code file}, with what is local to this machine (data directory,
   * metrics host and the ports of replicas that kept their address) taken from the file.
   */
  static ClusterConfig current(Path data, ClusterConfig file) {
    EpochRecord r = read(data, file);
    return r != null && r.next().epoch() > file.epoch() ? r.next() : file;
  }

  /** The notice a replica of this record's epoch tells clients of the epoch before. */
  EpochNotice notice() {
    return new EpochNotice(Configurations.encode(next), start().sequence(), start().state(), ordinary, proof);
  }

  /** The data directory's record, or null when it has not moved from its first epoch. */
  static EpochRecord read(Path data, ClusterConfig file) {
    Path f = data.resolve(FILE);
    if (!Files.exists(f)) {
      return null;
    }
    try {
      return decode(Files.readAllBytes(f), file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new IllegalStateException(f + " is damaged (" + e.getMessage() + "): the data directory cannot say which epoch it is in");
    }
  }

  static EpochRecord decode(byte[] bytes, ClusterConfig local) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte[] magic = new byte[MAGIC.length];
    b.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException("not an epoch record");
    }
    long start = b.getLong();
    byte[] state = new byte[Digest.SIZE];
    b.get(state);
    byte[] ordinary = new byte[Digest.SIZE];
    b.get(ordinary);
    ClusterConfig next = Configurations.decode(EpochNotice.lengthPrefixed(b), local.dataDirectory(), local.metricsHost())
        .localTo(local)
        .startingAt(new EpochStart(start, Digest.of(state)));
    ClusterConfig previous = Configurations.decode(EpochNotice.lengthPrefixed(b), local.dataDirectory(), local.metricsHost());
    int count = b.getInt();
    List<byte[]> proof = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      proof.add(EpochNotice.lengthPrefixed(b));
    }
    return new EpochRecord(next, Digest.of(ordinary), previous, proof);
  }

  private static void writeDurably(Path target, byte[] bytes) {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    try {
      try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        c.write(ByteBuffer.wrap(bytes));
        c.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
        dir.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }
}
