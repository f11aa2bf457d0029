package dev.bft.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class KeyValueServiceTest {
  static final ExecutionContext CTX = new ExecutionContext(1000, 1, 1, 0);
  final KeyValueService kv = new KeyValueService(16, 64, 64);

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  KvResult run(KvOperation op) {
    return KvResult.decode(kv.execute(op.encode(), CTX));
  }

  @Test
  void putGetDeleteAndCompareAndSetBehaveLikeAMap() {
    assertThat(run(new KvOperation.Get(b("a")))).isEqualTo(KvResult.ABSENT);
    assertThat(run(new KvOperation.Put(b("a"), b("1")))).isEqualTo(KvResult.OK);
    assertThat(run(new KvOperation.Get(b("a")))).isEqualTo(KvResult.value(b("1")));
    assertThat(run(new KvOperation.Cas(b("a"), b("2"), b("3")))).isEqualTo(KvResult.casFailed(b("1")));
    assertThat(run(new KvOperation.Cas(b("a"), b("1"), b("3")))).isEqualTo(KvResult.OK);
    assertThat(run(new KvOperation.Cas(b("a"), null, b("4")))).isEqualTo(KvResult.casFailed(b("3")));
    assertThat(run(new KvOperation.Delete(b("a")))).isEqualTo(KvResult.OK);
    assertThat(run(new KvOperation.Cas(b("a"), null, b("5")))).isEqualTo(KvResult.OK);
    assertThat(KvResult.decode(kv.executeReadOnly(new KvOperation.Get(b("a")).encode()))).isEqualTo(KvResult.value(b("5")));
    assertThat(kv.size()).isEqualTo(1);
  }

  @Test
  void garbageAndOversizedOperationsGetAnErrorAndChangeNothing() {
    var before = kv.stateDigest();
    byte[] validPut = new KvOperation.Put(b("k"), b("v")).encode();
    byte[] trailing = java.util.Arrays.copyOf(validPut, validPut.length + 1);
    for (byte[] garbage : List.of(new byte[0], new byte[] {9}, new byte[] {1, 0, 0, 0, 5}, trailing,
        new KvOperation.Put(new byte[100], b("x")).encode())) {
      assertThat(KvResult.decode(kv.execute(garbage, CTX)).status()).isEqualTo(KvResult.Status.ERROR);
    }
    assertThat(kv.stateDigest()).isEqualTo(before);
    assertThat(KvResult.decode(kv.executeReadOnly(validPut)).status())
        .as("a write on the read-only path").isEqualTo(KvResult.Status.ERROR);
  }

  @Property(tries = 300)
  void decodingNeverThrows(@ForAll byte[] bytes) {
    KvOperation.decode(bytes, 64, 64);
    KvResult.decode(bytes);
  }

  @Property(tries = 100)
  void operationsRoundTrip(@ForAll byte[] key, @ForAll byte[] value, @ForAll boolean absent) {
    for (KvOperation op : List.of(new KvOperation.Put(key, value), new KvOperation.Get(key), new KvOperation.Delete(key),
        new KvOperation.Cas(key, absent ? null : value, value))) {
      KvOperation back = KvOperation.decode(op.encode(), 1 << 20, 1 << 20);
      assertThat(back).usingRecursiveComparison().isEqualTo(op);
    }
  }

  /** The incremental digest always equals the digest of a service that applied the same writes from scratch. */
  @Property(tries = 50)
  void incrementalDigestEqualsFromScratch(@ForAll long seed) {
    Random r = new Random(seed);
    KeyValueService a = new KeyValueService(16, 64, 64);
    for (int i = 0; i < 200; i++) {
      byte[] key = b("k" + r.nextInt(30));
      KvOperation op = r.nextInt(4) == 0 ? new KvOperation.Delete(key) : new KvOperation.Put(key, b("v" + r.nextInt(5)));
      a.execute(op.encode(), CTX);
      if (r.nextInt(10) == 0) {
        a.stateDigest(); // digests taken along the way must not disturb the result
      }
    }
    KeyValueService b = new KeyValueService(16, 64, 64);
    KvSnapshot s = a.snapshot();
    for (int bucket = 0; bucket < s.leafCount(); bucket++) {
      for (var e : KvState.decodeBucket(s.chunk(bucket)).entrySet()) {
        b.execute(new KvOperation.Put(e.getKey(), e.getValue()).encode(), CTX);
      }
    }
    assertThat(b.stateDigest()).isEqualTo(a.stateDigest());
  }

  @Test
  void differentStatesHaveDifferentDigests() {
    KeyValueService other = new KeyValueService(16, 64, 64);
    run(new KvOperation.Put(b("a"), b("1")));
    other.execute(new KvOperation.Put(b("a"), b("2")).encode(), CTX);
    assertThat(kv.stateDigest()).isNotEqualTo(other.stateDigest());
  }

  @Test
  void aSnapshotStaysAsItWasWhileExecutionGoesOn() {
    run(new KvOperation.Put(b("a"), b("1")));
    KvSnapshot snap = kv.snapshot();
    run(new KvOperation.Put(b("a"), b("2")));
    run(new KvOperation.Put(b("b"), b("3")));
    KeyValueService restored = new KeyValueService(16, 64, 64);
    restored.restore(snap);
    assertThat(restored.stateDigest()).isEqualTo(snap.root()).isNotEqualTo(kv.stateDigest());
    assertThat(KvResult.decode(restored.executeReadOnly(new KvOperation.Get(b("a")).encode()))).isEqualTo(KvResult.value(b("1")));
    assertThat(restored.size()).isEqualTo(1);
  }

  @Test
  void chunksVerifyAgainstTheRootAndACorruptChunkDoesNot() {
    for (int i = 0; i < 50; i++) {
      run(new KvOperation.Put(b("key" + i), b("v" + i)));
    }
    KvSnapshot snap = kv.snapshot();
    KeyValueService target = new KeyValueService(16, 64, 64);
    for (int bucket = 0; bucket < snap.leafCount(); bucket++) {
      byte[] chunk = snap.chunk(bucket);
      assertThat(KvSnapshot.verifyChunk(snap.root(), bucket, chunk, snap.proof(bucket))).isTrue();
      if (chunk.length > 8) {
        byte[] corrupt = chunk.clone();
        corrupt[corrupt.length - 1] ^= 1;
        assertThat(KvSnapshot.verifyChunk(snap.root(), bucket, corrupt, snap.proof(bucket))).isFalse();
        assertThat(KvSnapshot.verifyChunk(snap.root(), bucket ^ 1, chunk, snap.proof(bucket))).as("wrong index").isFalse();
      }
      target.installChunk(bucket, chunk);
    }
    assertThat(target.stateDigest()).isEqualTo(snap.root());
    assertThat(target.size()).isEqualTo(50);
  }

  @Test
  void twoReplicasFedTheSameOperationsAgreeOnResultsAndDigests() {
    KeyValueService other = new KeyValueService(16, 64, 64);
    Random r = new Random(5);
    for (int i = 0; i < 500; i++) {
      byte[] op = new KvOperation.Cas(b("k" + r.nextInt(10)), r.nextBoolean() ? null : b("" + r.nextInt(3)),
          b("" + r.nextInt(3))).encode();
      assertThat(kv.execute(op, CTX)).isEqualTo(other.execute(op, CTX));
    }
    assertThat(kv.stateDigest()).isEqualTo(other.stateDigest());
  }
}
