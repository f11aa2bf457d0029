package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Message;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.DurableState;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@code bft snapshot import}: seeds an empty data directory with the state of a {@link
 * SnapshotFile}, as if the replica had fetched that checkpoint by state transfer and then stopped.
 * Nothing of the file is believed before it is checked: the proof against the cluster file, the
 * digests against the proven root, each chunk by the service's own receiver against its digest.
 * Started on the directory, the replica recovers at the checkpoint and catches up from its peers
 * what was executed since (only what differs, as any lagging replica does).
 *
 * <p>All or nothing: a file that fails any check, or an error of our own, leaves no directory
 * behind. While an import runs the directory holds {@link #UNFINISHED}, and a replica refuses to
 * start on such a directory, so an import cut by a crash is never mistaken for a state.
 */
public final class SnapshotImport {
  static final String UNFINISHED = "import-unfinished";

  private SnapshotImport() {}

  /** What was imported: the checkpoint, the chunks the service staged (the rest matched its empty state), the file's bytes. */
  public record Imported(long sequence, int chunksInstalled, long bytes) {}

  /** Throws IllegalStateException if {@code data} holds an import that did not finish. */
  static void refuseUnfinished(Path data) {
    if (Files.exists(data.resolve(UNFINISHED))) {
      throw new IllegalStateException("data directory " + data + " holds an import that did not finish: "
          + "remove the directory and import the snapshot again");
    }
  }

  /**
   * Imports {@code file} into {@code data} (which must not exist or be empty) for replica {@code
   * self} of {@code config}, whose service {@code create} makes. Throws {@link SnapshotFile.Malformed}
   * when the file does not prove itself, IllegalStateException when the directory is in use.
   */
  public static Imported run(ClusterConfig config, int self, Path data,
                             Function<ServiceContext, ReplicatedService> create, Path file) throws IOException {
    if (!config.replicas().containsKey(self)) {
      throw new IllegalArgumentException("replica " + self + " is not in the cluster file");
    }
    return seed(config, self, data, create, file);
  }

  /**
   * As {@link #run}, for replica {@code self} that the next reconfiguration will add, so that it
   * starts warm: the proof is checked with this (current) epoch's keys, and once started with the
   * new epoch's file the replica is behind that epoch's start and fetches only what changed since.
   */
  public static Imported warm(ClusterConfig config, int self, Path data,
                              Function<ServiceContext, ReplicatedService> create, Path file) throws IOException {
    if (config.replicas().containsKey(self)) {
      throw new IllegalArgumentException("replica " + self + " is in the cluster file already: a replica to be "
          + "added takes an id past " + config.replicas().lastKey());
    }
    return seed(config, self, data, create, file);
  }

  private static Imported seed(ClusterConfig config, int self, Path data,
                               Function<ServiceContext, ReplicatedService> create, Path file) throws IOException {
    boolean existed = Files.exists(data);
    if (existed) {
      try (Stream<Path> entries = Files.list(data)) {
        if (entries.findAny().isPresent()) {
          throw new IllegalStateException("data directory " + data + " is not empty: import seeds a new replica; "
              + "move the old directory away first");
        }
      }
    }
    Files.createDirectories(data);
    Files.createFile(data.resolve(UNFINISHED));
    boolean done = false;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      SnapshotFile.Reader reader = new SnapshotFile.Reader(in);
      SnapshotFile.Header header = reader.header();
      SnapshotFile.verify(config, header);
      ClientTable clients;
      try {
        clients = ClientTable.decode(header.clientTable(), 0, self);
      } catch (IllegalArgumentException e) {
        throw new SnapshotFile.Malformed("its client table does not decode: " + e.getMessage());
      }
      int installed = install(config, self, data, create, reader, header, clients);
      Files.delete(data.resolve(UNFINISHED));
      done = true;
      return new Imported(header.sequence(), installed, Files.size(file));
    } finally {
      if (!done) {
        DataDirectories.deleteTree(data, existed);
      }
    }
  }

  /**
   * Checks {@code file} as {@link #run} would, every chunk by the service's receiver, into a
   * temporary directory removed afterwards: for a backup whose import is not due yet.
   */
  public static Imported verify(ClusterConfig config, Function<ServiceContext, ReplicatedService> create, Path file)
      throws IOException {
    Path scratch = Files.createTempDirectory("bft-snapshot-verify");
    try {
      return run(config, config.replicas().firstKey(), scratch.resolve("data"), create, file);
    } finally {
      DataDirectories.deleteTree(scratch, false);
    }
  }

  private static int install(ClusterConfig config, int self, Path data, Function<ServiceContext, ReplicatedService> create,
                             SnapshotFile.Reader reader, SnapshotFile.Header header, ClientTable clients)
      throws IOException {
    ReplicatedService service = create.apply(new ServiceContext(data.resolve("state"), true,
        config.parameters().serviceMapMegabytes()));
    try {
      ServiceStamp.claim(data, service);
      Digest[] expected = header.chunkDigests();
      if (service.chunkCount() != expected.length) {
        throw new SnapshotFile.Malformed("it holds " + expected.length + " chunks and service "
            + service.getClass().getName() + " has " + service.chunkCount() + ": it is another service's state");
      }
      List<ChunkReceiver> receivers = receive(reader, service, expected);
      service.install(receivers, header.sequence(), clients.encodedEntries());
      record(config, self, data, service, header, clients);
      return receivers.size();
    } finally {
      if (service instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception e) {
          throw new IllegalStateException("closing the service after the import: " + e, e);
        }
      }
    }
  }

  /** Stages every chunk whose digest differs from the fresh service's, each checked by its receiver. */
  private static List<ChunkReceiver> receive(SnapshotFile.Reader reader, ReplicatedService service, Digest[] expected)
      throws IOException {
    Digest[] local = service.chunkDigests();
    List<ChunkReceiver> receivers = new ArrayList<>();
    try {
      int next = 0;
      for (int c = reader.nextChunk(); c >= 0; c = reader.nextChunk()) {
        if (local[c].equals(expected[c])) {
          while (reader.nextPiece() != null) {
            // the fresh state has it already
          }
          continue;
        }
        for (; next < c; next++) {
          missing(local, expected, next);
        }
        next = c + 1;
        ChunkReceiver r = service.receiveChunk(c, expected[c]);
        receivers.add(r);
        for (byte[] piece = reader.nextPiece(); piece != null; piece = reader.nextPiece()) {
          if (!r.accept(piece)) {
            throw new SnapshotFile.Malformed("chunk " + c + " is damaged: the service refused its bytes");
          }
        }
        Digest got = r.finish();
        if (!expected[c].equals(got)) {
          throw new SnapshotFile.Malformed("chunk " + c + " does not match its digest: the file was altered");
        }
      }
      for (; next < expected.length; next++) {
        missing(local, expected, next);
      }
      reader.expectEnd();
      return receivers;
    } catch (RuntimeException | IOException e) {
      receivers.forEach(ChunkReceiver::discard);
      throw e;
    }
  }

  private static void missing(Digest[] local, Digest[] expected, int c) {
    if (!local[c].equals(expected[c])) {
      throw new SnapshotFile.Malformed("chunk " + c + " is missing from it");
    }
  }

  /** Writes the checkpoint as the replica's log records a stable one it installed by state transfer. */
  private static void record(ClusterConfig config, int self, Path data, ReplicatedService service,
                             SnapshotFile.Header header, ClientTable clients) {
    MessageDecoder decoder = MessageDecoder.of(config);
    // The proof's CHECKPOINTs keep the bytes their senders signed; nothing here is signed anew.
    MessageEncoder wireOnly = new MessageEncoder(self, (domain, message, off, len) -> {
      throw new IllegalStateException("an import signs nothing");
    }, dev.bft.core.message.codec.WireLimits.defaults(), config.epoch());
    List<Checkpoint> proof = new ArrayList<>();
    for (byte[] frame : header.proof()) {
      proof.add((Checkpoint) ((DecodeResult.Accepted) decoder.decode(frame)).message());
    }
    try (LmdbStore store = LmdbStore.open(data, config.parameters().storageMapMegabytes() << 20, true, true)) {
      DurableLog log = new DurableLog(store, (Function<Message, byte[]>) wireOnly::encode, decoder, self);
      DurableState durable = service.durableState();
      if (durable != null) {
        log.serviceStoresItself(durable);
      }
      log.add(new LogRecord.StableCheckpoint(header.sequence(), proof));
      try (StateSnapshot snapshot = service.snapshot()) {
        log.addState(header.sequence(), snapshot, clients);
        log.commit();
      }
    }
  }
}
