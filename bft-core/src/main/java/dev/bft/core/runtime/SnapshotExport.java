package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.ServedState;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code bft snapshot export}: a running replica writes its stable checkpoint as a {@link
 * SnapshotFile} through its {@link AdminSocket}, from the snapshot it already holds to serve state
 * transfer (a read transaction for a service on LMDB: execution goes on meanwhile, and no copy is
 * made first). The tool checks what arrived against the cluster file before it names the file done.
 */
public final class SnapshotExport {
  static final String COMMAND = "export";
  /** How long the replica's protocol thread may take to say which checkpoint is stable. */
  private static final long LANE_WAIT_SECONDS = 30;

  private SnapshotExport() {}

  /** What a snapshot file holds. */
  public record Summary(long sequence, int chunks, long bytes) {}

  /** The replica side: the export command of replica {@code self}'s admin socket. */
  static AdminSocket.Command command(int self, ReplicaShell shell, StateTransferShell stateTransfer,
                                     MessageEncoder encoder) {
    return (out, ok) -> {
      CompletableFuture<Pinned> pinned = new CompletableFuture<>();
      // On the protocol thread, so the stable checkpoint read and its snapshot pinned belong together.
      shell.onProtocolLane(() -> {
        long stable = shell.replica().stableCheckpoint();
        ServedState held = stateTransfer.held(stable);
        StateSnapshot snapshot = held == null ? null : held.pin();
        pinned.complete(new Pinned(stable, shell.replica().stableCheckpointProof(), held, snapshot));
      });
      Pinned p;
      try {
        p = pinned.get(LANE_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AdminSocket.Refused("replica " + self + " did not answer within " + LANE_WAIT_SECONDS
            + " s (" + e.getClass().getSimpleName() + "): it is stopping or overloaded");
      }
      if (p.sequence == 0) {
        throw new AdminSocket.Refused("replica " + self + " has no stable checkpoint yet: there is no proven state "
            + "to export until the cluster has executed checkpoint.interval batches");
      }
      if (p.snapshot == null) {
        throw new AdminSocket.Refused("replica " + self + " holds no snapshot of its stable checkpoint " + p.sequence
            + " (it restarted since); try again after the cluster's next checkpoint");
      }
      try {
        List<byte[]> proof = new ArrayList<>();
        for (Checkpoint c : p.proof) {
          proof.add(encoder.encode(c));
        }
        int chunks = p.snapshot.chunkDigests().length;
        SnapshotFile.Header header = new SnapshotFile.Header(p.sequence, proof, p.held.encodedClients(),
            p.snapshot.chunkDigests());
        ok.run();
        DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
        SnapshotFile.writeHeader(data, header);
        SnapshotFile.writeChunks(data, p.snapshot, chunks);
        data.flush();
      } finally {
        p.held.unpin();
      }
    };
  }

  private record Pinned(long sequence, List<Checkpoint> proof, ServedState held, StateSnapshot snapshot) {}

  /**
   * The tool side: asks the replica running on {@code dataDirectory} for its stable checkpoint and
   * writes it to {@code out} (through {@code out.part}, renamed once it checked out). Throws
   * IllegalStateException with a one-line reason when no replica runs there or it refused, and
   * {@link SnapshotFile.Malformed} when what arrived does not prove itself.
   */
  public static Summary export(ClusterConfig config, Path dataDirectory, Path out) throws IOException {
    Path socket = AdminSocket.of(dataDirectory);
    if (!Files.exists(socket)) {
      throw new IllegalStateException("no replica runs on " + dataDirectory + " (it has no " + AdminSocket.FILE
          + "): export reads a running replica's stable checkpoint; start the replica, or name its --data");
    }
    Path part = out.resolveSibling(out.getFileName() + ".part");
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(socket));
      OutputStream request = Channels.newOutputStream(c);
      request.write((COMMAND + "\n").getBytes(StandardCharsets.UTF_8));
      request.flush();
      InputStream in = new BufferedInputStream(Channels.newInputStream(c), 1 << 16);
      String answer = AdminSocket.readLine(in);
      if (answer == null) {
        throw new IllegalStateException("the replica on " + dataDirectory + " closed the connection without an answer");
      }
      if (answer.startsWith("ERROR ")) {
        throw new IllegalStateException(answer.substring("ERROR ".length()));
      }
      if (!answer.equals("OK")) {
        throw new IllegalStateException("the replica on " + dataDirectory + " answered '" + answer + "'");
      }
      Files.copy(in, part, StandardCopyOption.REPLACE_EXISTING);
    } catch (ConnectException e) {
      throw new IllegalStateException("no replica listens on " + socket + " (it is stopped, or crashed and left the "
          + "socket file): export reads a running replica");
    }
    try {
      Summary s = check(config, part);
      Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return s;
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(part);
      throw e;
    }
  }

  /**
   * Checks a snapshot file as far as it can without a service to decode chunks: its proof against
   * {@code config}, its digests against the proven root, and its layout to the end mark (import
   * checks each chunk too).
   */
  public static Summary check(ClusterConfig config, Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      SnapshotFile.Reader reader = new SnapshotFile.Reader(in);
      SnapshotFile.Header header = reader.header();
      SnapshotFile.verify(config, header);
      while (reader.nextChunk() >= 0) {
        while (reader.nextPiece() != null) {
          // layout only
        }
      }
      reader.expectEnd();
      return new Summary(header.sequence(), header.chunkDigests().length, Files.size(file));
    }
  }
}
