package dev.bft.bench.storage;

import dev.bft.core.message.Batch;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.Commit;
import dev.bft.core.message.PrePrepare;
import dev.bft.core.message.Prepare;
import dev.bft.core.message.Request;
import dev.bft.core.message.codec.KeyDirectory;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.message.codec.MessageEncoder;
import dev.bft.core.protocol.LogRecord;
import dev.bft.core.runtime.DurableLog;
import dev.bft.crypto.Digest;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.storage.LmdbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a backup writes per sequence number - the accepted PRE-PREPARE with its batch of signed
 * 64-byte requests, its own PREPARE and COMMIT - as one LMDB transaction, with a stable checkpoint
 * (and garbage collection) every 128 sequence numbers. Reported in persisted batches per second;
 * the disk bytes per request are printed at the end of each trial.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class PersistBenchmark {
  @Param({"1", "64", "256"})
  int batch;

  @Param({"sync", "async"})
  String durability;

  Path dir;
  LmdbStore store;
  DurableLog log;
  PrePrepare[] prePrepares;
  long sequence;
  long requests;

  @Setup(Level.Trial)
  public void open() throws IOException {
    Map<Integer, Ed25519PublicKey> replicaKeys = new HashMap<>();
    MessageEncoder[] encoders = new MessageEncoder[4];
    for (int i = 0; i < 4; i++) {
      Ed25519KeyPair k = Ed25519KeyPair.forTesting(i);
      replicaKeys.put(i, k.publicKey());
      encoders[i] = new MessageEncoder(i, k);
    }
    Ed25519KeyPair clientKey = Ed25519KeyPair.forTesting(1000);
    MessageDecoder decoder = new MessageDecoder(KeyDirectory.of(replicaKeys, Map.of(1000, clientKey.publicKey())),
        dev.bft.core.message.codec.ClusterBounds.of(4, 128, 256));
    MessageEncoder client = new MessageEncoder(1000, clientKey);
    Random random = new Random(3);
    prePrepares = new PrePrepare[16];
    for (int p = 0; p < prePrepares.length; p++) {
      List<Request> requests = new ArrayList<>();
      for (int r = 0; r < batch; r++) {
        byte[] op = new byte[64];
        random.nextBytes(op);
        requests.add((Request) decoder.decode(client.encode(Request.unsigned(1000, p * 10_000L + r + 1, false, op))).message());
      }
      prePrepares[p] = (PrePrepare) decoder.decode(encoders[0].encode(new PrePrepare(0, p + 1, Batch.of(requests, 1), 0, null)))
          .message();
    }
    dir = Files.createTempDirectory("bft-persist-bench");
    store = LmdbStore.open(dir, 4L << 30, durability.equals("sync"), true);
    log = new DurableLog(store, encoders[1], decoder, 1);
  }

  @Benchmark
  public void persistOneSequence() {
    sequence++;
    PrePrepare template = prePrepares[(int) (sequence % prePrepares.length)];
    // the stored PRE-PREPARE is the primary's signed bytes; its sequence number only keys the record
    log.add(new LogRecord.AcceptedPrePrepare(new PrePrepare(0, sequence, template.batch(), 0, template.wire())));
    log.add(new LogRecord.SentPrepare(new Prepare(0, sequence, template.digest(), 1, null)));
    log.add(new LogRecord.SentCommit(new Commit(0, sequence, template.digest(), 1, null)));
    if (sequence % 128 == 0) {
      log.add(new LogRecord.StableCheckpoint(sequence, List.of(new Checkpoint(sequence, Digest.ZERO, 1, null))));
    }
    log.commit();
    requests += batch;
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    long bytes = Files.size(dir.resolve("data.mdb"));
    System.out.printf("%n[persist] batch=%d %s: %d requests persisted, data.mdb %d bytes (%.1f bytes/request after GC)%n",
        batch, durability, requests, bytes, (double) bytes / Math.max(1, Math.min(requests, 256L * batch)));
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
