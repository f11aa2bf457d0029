package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.ClusterFile;
import dev.bft.core.config.ClusterKeygen;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.Services;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.crypto.KeyFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot file proves itself or is refused: imported, it gives the exported state and the
 * stable checkpoint to recover at; altered anywhere (proof, digests, a chunk byte, its end), signed
 * by too few replicas or by another cluster, it is refused with a reason and leaves no directory.
 */
class SnapshotFileTest {
  static final long SEQUENCE = 128;

  @TempDir
  Path dir;

  private final java.util.Map<ClusterConfig, Path> keys = new java.util.IdentityHashMap<>();

  private ClusterConfig cluster(String name) throws IOException {
    Path file = ClusterKeygen.generate(dir.resolve(name), 1, 1, "127.0.0.1", 7000, false, new SecureRandom());
    ClusterConfig c = ClusterFile.load(file);
    keys.put(c, file.getParent());
    return c;
  }

  private dev.bft.crypto.Ed25519KeyPair key(ClusterConfig cluster, int id) throws IOException {
    return KeyFiles.read(ClusterKeygen.replicaKeyFile(keys.get(cluster), id));
  }

  private static ReplicatedService service(String name, Path state) {
    return Services.find(name).create(new ServiceContext(state, false, 1024));
  }

  /** A service with {@code keys} keys of 3 000 bytes, executed up to {@link #SEQUENCE}. */
  private static ReplicatedService filled(String name, Path state, int keys) {
    ReplicatedService s = service(name, state);
    for (int i = 0; i < keys; i++) {
      byte[] value = new byte[3000];
      java.util.Arrays.fill(value, (byte) i);
      s.execute(new KvOperation.Put(("key-" + i).getBytes(StandardCharsets.UTF_8), value).encode(),
          new ExecutionContext(1000, i + 1, SEQUENCE, 0));
    }
    if (s.durableState() != null) {
      s.durableState().executed(SEQUENCE, true);
    }
    return s;
  }

  /** The file of {@code service}'s state at {@link #SEQUENCE}, its proof signed by {@code signers} of {@code cluster}. */
  private byte[] exported(ClusterConfig cluster, ReplicatedService service, ClientTable clients, int... signers)
      throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StateSnapshot snapshot = service.snapshot()) {
      Digest digest = StateDigests.checkpoint(service.stateDigest(), clients);
      List<byte[]> proof = new ArrayList<>();
      for (int id : signers) {
        MessageEncoder signer = new MessageEncoder(id, key(cluster, id));
        proof.add(signer.encode(new Checkpoint(SEQUENCE, digest, id, null)));
      }
      DataOutputStream out = new DataOutputStream(bytes);
      SnapshotFile.writeHeader(out, new SnapshotFile.Header(SEQUENCE, proof, clients.encode(), snapshot.chunkDigests()));
      SnapshotFile.writeChunks(out, snapshot, snapshot.chunkDigests().length);
      out.flush();
    }
    return bytes.toByteArray();
  }

  private Path file(byte[] bytes) throws IOException {
    Path f = Files.createTempFile(dir, "snapshot", ".bin");
    Files.write(f, bytes);
    return f;
  }

  private SnapshotImport.Imported importInto(ClusterConfig cluster, String service, Path data, byte[] bytes)
      throws IOException {
    return SnapshotImport.run(cluster, 3, data, Services.find(service)::create, file(bytes));
  }

  static final byte[] RESULT = "result-of-client-1000".getBytes(StandardCharsets.UTF_8);

  private static ClientTable oneClient() {
    java.util.SortedMap<Integer, byte[]> entries = new java.util.TreeMap<>();
    entries.put(1000, ClientTable.encodeEntry(new ClientTable.Entry(7,
        new dev.bft.core.message.Reply(0, 1000, 7, RESULT, 0, null))));
    return ClientTable.fromEntries(entries, 0, 0);
  }

  @Test
  void anImportedKvStateIsTheExportedOneAndTheReplicaRecoversAtItsCheckpoint() throws Exception {
    ClusterConfig cluster = cluster("c");
    ReplicatedService source = filled("kv", dir.resolve("source/state"), 40);
    byte[] bytes = exported(cluster, source, oneClient(), 0, 1, 2);
    Path data = dir.resolve("replica-3");

    SnapshotImport.Imported imported = importInto(cluster, "kv", data, bytes);

    assertThat(imported.sequence()).isEqualTo(SEQUENCE);
    assertThat(imported.chunksInstalled()).isBetween(30, 40);
    assertThat(data.resolve(SnapshotImport.UNFINISHED)).doesNotExist();
    ReplicatedService copy = service("kv", data.resolve("state"));
    assertThat(copy.stateDigest()).isEqualTo(source.stateDigest());
    assertThat(copy.durableState().stored().sequence()).isEqualTo(SEQUENCE);
    assertThat(ClientTable.fromEntries(copy.durableState().stored().clientEntries(), 0, 3).encode())
        .isEqualTo(oneClient().encode());
    ((AutoCloseable) copy).close();
    ((AutoCloseable) source).close();
  }

  @Test
  void aHeapServiceIsImportedIntoTheReplicasLogAndRecovered() throws Exception {
    ClusterConfig cluster = cluster("c");
    ReplicatedService source = filled("kv-heap", null, 25);
    Path data = dir.resolve("replica-3");

    importInto(cluster, "kv-heap", data, exported(cluster, source, oneClient(), 3, 1, 0));

    ReplicatedService copy = service("kv-heap", null);
    try (dev.bft.storage.LmdbStore store = dev.bft.storage.LmdbStore.open(data, 64 << 20, false, false)) {
      java.util.Map<Integer, dev.bft.crypto.Ed25519PublicKey> replicaKeys = new java.util.HashMap<>();
      cluster.replicas().forEach((id, r) -> replicaKeys.put(id, r.publicKey()));
      DurableLog log = new DurableLog(store, m -> null, new dev.bft.core.message.codec.MessageDecoder(
          dev.bft.core.message.codec.KeyDirectory.of(replicaKeys, cluster.clients()),
          dev.bft.core.message.codec.ClusterBounds.of(4, 128, 256)), 3);
      dev.bft.core.protocol.RecoveredState recovered = log.recover(copy, new long[1]);
      assertThat(recovered.lastExecuted()).isEqualTo(SEQUENCE);
      assertThat(recovered.log()).singleElement().isInstanceOf(dev.bft.core.protocol.LogRecord.StableCheckpoint.class);
    }
    assertThat(copy.stateDigest()).isEqualTo(source.stateDigest());
  }

  @Test
  void aProofOfTwoReplicasOrOfAnotherClusterIsRefusedAndLeavesNoDirectory() throws Exception {
    ClusterConfig cluster = cluster("c");
    ClusterConfig stranger = cluster("other");
    ReplicatedService source = filled("kv-heap", null, 5);
    Path data = dir.resolve("replica-3");

    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, exported(cluster, source, oneClient(), 0, 1)))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("does not prove checkpoint 128");
    assertThat(data).doesNotExist();
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, exported(stranger, source, oneClient(), 0, 1, 2)))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("another cluster");
    assertThat(data).doesNotExist();
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, exported(cluster, source, oneClient(), 0, 0, 1)))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("does not prove");
  }

  @Test
  void aByteChangedInAChunkOrInTheTableIsCaughtAndNothingStays() throws Exception {
    ClusterConfig cluster = cluster("c");
    ReplicatedService source = filled("kv", dir.resolve("source/state"), 20);
    byte[] good = exported(cluster, source, oneClient(), 0, 1, 2);
    Path data = dir.resolve("replica-3");

    // The value bytes of the last key written lie near the end of the file; every 3 000-byte value is one repeated byte.
    byte[] chunkFlipped = good.clone();
    int at = lastRunOf(chunkFlipped, (byte) 19, 3000);
    chunkFlipped[at] ^= 1;
    assertThatThrownBy(() -> importInto(cluster, "kv", data, chunkFlipped))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageMatching("chunk \\d+ (is damaged|does not match its digest).*");
    assertThat(data).doesNotExist();

    byte[] tableFlipped = good.clone();
    tableFlipped[indexOf(tableFlipped, RESULT)] ^= 1;
    assertThatThrownBy(() -> importInto(cluster, "kv", data, tableFlipped))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("do not hash up");
    assertThat(data).doesNotExist();
    ((AutoCloseable) source).close();
  }

  @Test
  void aCutFileAndHugeLengthsAreRefusedForWhatTheFileHolds() throws Exception {
    ClusterConfig cluster = cluster("c");
    ReplicatedService source = filled("kv-heap", null, 5);
    byte[] good = exported(cluster, source, oneClient(), 0, 1, 2);
    Path data = dir.resolve("replica-3");

    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, cut))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("cut short");
    byte[] trailing = java.util.Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, trailing))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("follow its end mark");
    // A header that claims a 2 GiB client table in a file of a few hundred bytes costs what the file holds.
    byte[] claims = ByteBuffer.allocate(8 + 4 + 8 + 4 + 4).put(SnapshotFile.MAGIC).putInt(SnapshotFile.VERSION)
        .putLong(SEQUENCE).putInt(1).putInt(Integer.MAX_VALUE).array();
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, claims))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("claims");
    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, "not a snapshot".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(SnapshotFile.Malformed.class).hasMessageContaining("not a bft snapshot file");
    assertThat(data).doesNotExist();
  }

  @Test
  void aDirectoryInUseIsNotTouchedAndAnUnfinishedImportIsNotStartedOn() throws Exception {
    ClusterConfig cluster = cluster("c");
    ReplicatedService source = filled("kv-heap", null, 5);
    Path data = Files.createDirectories(dir.resolve("replica-3"));
    Files.writeString(data.resolve("keep"), "x");

    assertThatThrownBy(() -> importInto(cluster, "kv-heap", data, exported(cluster, source, oneClient(), 0, 1, 2)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("not empty");
    assertThat(data.resolve("keep")).hasContent("x");

    Files.createFile(data.resolve(SnapshotImport.UNFINISHED));
    assertThatThrownBy(() -> new ReplicaNode(cluster, 3, key(cluster, 3), data, t -> {}))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("import that did not finish");
  }

  private static int lastRunOf(byte[] bytes, byte b, int run) {
    for (int i = bytes.length - run; i >= 0; i--) {
      boolean all = true;
      for (int j = 0; j < run && all; j++) {
        all = bytes[i + j] == b;
      }
      if (all) {
        return i + run / 2;
      }
    }
    throw new AssertionError("no run of " + run + " bytes " + b);
  }

  private static int indexOf(byte[] bytes, byte[] what) {
    outer:
    for (int i = 0; i <= bytes.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (bytes[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
