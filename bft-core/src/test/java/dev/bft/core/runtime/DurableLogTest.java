package dev.bft.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.PreparedProof;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.ClientTable;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.protocol.RecoveredState;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.storage.LmdbStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record a replica persists comes back from LMDB as it was, and a stable checkpoint deletes exactly what is below it. */
class DurableLogTest {
  @TempDir
  Path dir;

  final Ed25519KeyPair[] keys = new Ed25519KeyPair[4];
  final Ed25519KeyPair clientKey = Ed25519KeyPair.forTesting(1000);
  final MessageDecoder decoder;
  final MessageEncoder[] encoders = new MessageEncoder[4];

  DurableLogTest() {
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    for (int i = 0; i < 4; i++) {
      keys[i] = Ed25519KeyPair.forTesting(i);
      encoders[i] = new MessageEncoder(i, keys[i]);
      replicaKeys.put(i, keys[i].publicKey());
    }
    decoder = new MessageDecoder(KeyDirectory.of(replicaKeys, Map.of(1000, clientKey.publicKey())),
        dev.bft.core.message.codec.ClusterBounds.of(4, 128, 256));
  }

  <T> T received(int from, T message) {
    @SuppressWarnings("unchecked")
    T m = (T) decoder.decode(encoders[from].encode((dev.bft.core.message.Message) message)).message();
    return m;
  }

  PrePrepare prePrepare(long seq) {
    Request r = (Request) decoder.decode(new MessageEncoder(1000, clientKey).encode(
        Request.unsigned(1000, seq, false, ("op" + seq).getBytes(StandardCharsets.UTF_8)))).message();
    return received(0, new PrePrepare(0, seq, Batch.of(List.of(r), 5), 0, null));
  }

  @Test
  void recordsRoundTripAndGarbageCollectionKeepsExactlyWhatIsAboveTheStablePoint() {
    KeyValueService kv = new KeyValueService(16, 64, 64);
    kv.execute(new KvOperation.Put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)).encode(),
        new ExecutionContext(1000, 1, 1, 0));
    ClientTable clients = new ClientTable();
    try (LmdbStore store = LmdbStore.open(dir, 64 << 20, true, true)) {
      DurableLog log = new DurableLog(store, encoders[1], decoder, 1);
      for (long s = 1; s <= 12; s++) {
        PrePrepare pp = prePrepare(s);
        log.add(new LogRecord.AcceptedPrePrepare(pp));
        Prepare own = new Prepare(0, s, pp.digest(), 1, null);
        log.add(new LogRecord.SentPrepare(own));
        log.add(new LogRecord.Prepared(new PreparedProof(pp, List.of(own, received(2, new Prepare(0, s, pp.digest(), 2, null))))));
        log.add(new LogRecord.SentCommit(new Commit(0, s, pp.digest(), 1, null)));
      }
      log.add(new LogRecord.EnteredView(3, true));
      log.addState(8, kv.snapshot(), clients);
      Digest d = Digest.sha256(new byte[] {8});
      List<Checkpoint> proof = List.of(received(0, new Checkpoint(8, d, 0, null)), received(2, new Checkpoint(8, d, 2, null)),
          received(3, new Checkpoint(8, d, 3, null)));
      log.add(new LogRecord.StableCheckpoint(8, proof));
      log.commit();
    }
    try (LmdbStore store = LmdbStore.open(dir, 64 << 20, true, false)) {
      DurableLog log = new DurableLog(store, encoders[1], decoder, 1);
      KeyValueService restored = new KeyValueService(16, 64, 64);
      long[] view = new long[1];
      RecoveredState state = log.recover(restored, view);
      assertThat(view[0]).isEqualTo(3);
      assertThat(state.lastExecuted()).isEqualTo(8);
      assertThat(restored.stateDigest()).isEqualTo(kv.stateDigest());
      assertThat(state.log()).contains(new LogRecord.EnteredView(3, true));
      assertThat(state.log()).filteredOn(r -> r instanceof LogRecord.StableCheckpoint).singleElement()
          .satisfies(r -> assertThat(((LogRecord.StableCheckpoint) r).proof()).extracting(Checkpoint::sender).containsExactly(0, 2, 3));
      List<Long> accepted = state.log().stream().filter(r -> r instanceof LogRecord.AcceptedPrePrepare)
          .map(r -> ((LogRecord.AcceptedPrePrepare) r).prePrepare().sequence()).toList();
      assertThat(accepted).as("only what is above the stable checkpoint").containsExactly(9L, 10L, 11L, 12L);
      LogRecord.AcceptedPrePrepare nine = (LogRecord.AcceptedPrePrepare) state.log().stream()
          .filter(r -> r instanceof LogRecord.AcceptedPrePrepare).findFirst().orElseThrow();
      assertThat(nine.prePrepare().digest()).isEqualTo(prePrepare(9).digest());
      assertThat(nine.prePrepare().batch().requests().get(0).clientId()).isEqualTo(1000);
      assertThat(state.log()).filteredOn(r -> r instanceof LogRecord.SentPrepare).hasSize(4)
          .allSatisfy(r -> assertThat(((LogRecord.SentPrepare) r).prepare().sender()).isEqualTo(1));
      assertThat(state.log()).filteredOn(r -> r instanceof LogRecord.SentCommit).hasSize(4);
      assertThat(state.log()).filteredOn(r -> r instanceof LogRecord.Prepared).hasSize(4)
          .allSatisfy(r -> assertThat(((LogRecord.Prepared) r).certificate().prepares()).extracting(Prepare::sender)
              .containsExactly(1, 2));
    }
  }
}
