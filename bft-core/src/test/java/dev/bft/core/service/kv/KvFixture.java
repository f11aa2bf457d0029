package dev.bft.core.service.kv;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What the key-value tests share: opening services, running operations, and the chunk digests and
 * encodings written down from the specification, apart from the service's own code, so that a
 * test compares the service with the specification rather than with itself.
 */
final class KvFixture {
  static final ExecutionContext CTX = new ExecutionContext(1000, 1, 1, 0);

  private KvFixture() {}

  static LmdbKeyValueService open(Path dir, LmdbKeyValueService.Options options) {
    return new LmdbKeyValueService(new ServiceContext(dir, false, 256), options);
  }

  static LmdbKeyValueService.Options options(int chunks, int maxValue, long commitBytes) {
    return new LmdbKeyValueService.Options(chunks, LmdbKeyValueService.Options.LONGEST_KEY, maxValue, commitBytes);
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static KvResult run(LmdbKeyValueService kv, KvOperation op) {
    return KvResult.decode(kv.execute(op.encode(), CTX));
  }

  static byte[] get(LmdbKeyValueService kv, byte[] key) {
    KvResult r = KvResult.decode(kv.executeReadOnly(new KvOperation.Get(key).encode()));
    return r.status() == KvResult.Status.VALUE ? r.value() : null;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The first four bytes of SHA-256(key), masked. */
  static int bucket(byte[] key, int chunks) {
    return ByteBuffer.wrap(sha256().digest(key)).getInt() & (chunks - 1);
  }

  /** A key not yet in {@code model} whose bucket is {@code chunk}, found by trying. */
  static byte[] keyIn(int chunk, int chunks, String prefix, Map<byte[], byte[]> model) {
    for (int i = 0; ; i++) {
      byte[] k = b(prefix + i);
      if (bucket(k, chunks) == chunk && !model.containsKey(k)) {
        return k;
      }
    }
  }

  /** 0xFF "longkey": a hashed key's name starts with it. */
  static final byte[] MARKER = {(byte) 0xFF, 'l', 'o', 'n', 'g', 'k', 'e', 'y'};

  /**
   * A key's name, which orders a bucket: the key, or for a key over 507 bytes or of a hashed name's
   * shape (40 bytes starting with the marker) the marker then SHA-256(key).
   */
  static byte[] name(byte[] key) {
    boolean nameShaped = key.length == 40 && Arrays.equals(Arrays.copyOf(key, 8), MARKER);
    if (key.length <= 507 && !nameShaped) {
      return key;
    }
    return ByteBuffer.allocate(40).put(MARKER).put(sha256().digest(key)).array();
  }

  /** Entries in the order of a bucket's encoding: by name. */
  static NavigableMap<byte[], byte[]> newModel() {
    return new TreeMap<>((x, y) -> Arrays.compareUnsigned(name(x), name(y)));
  }

  /** The entries of {@code model} in bucket {@code chunk}, in key order. */
  static NavigableMap<byte[], byte[]> bucketOf(NavigableMap<byte[], byte[]> model, int chunk, int chunks) {
    NavigableMap<byte[], byte[]> out = newModel();
    model.forEach((k, v) -> {
      if (bucket(k, chunks) == chunk) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** SHA-256("kv-bucket" || count:8 || encoded bytes:8 || inner), inner as {@link #inner}. */
  static Digest leaf(NavigableMap<byte[], byte[]> bucket) {
    return leaf(bucket.size(), encodedBytes(bucket), inner(bucket));
  }

  static Digest leaf(long count, long encodedBytes, Digest inner) {
    MessageDigest md = sha256();
    md.update(b("kv-bucket"));
    md.update(ByteBuffer.allocate(16).putLong(count).putLong(encodedBytes).array());
    md.update(inner.toBytes());
    return Digest.of(md.digest());
  }

  /** SHA-256(SHA-256(keyLen:4 key valueLen:4 value) || ...) over the entries in key order. */
  static Digest inner(NavigableMap<byte[], byte[]> bucket) {
    MessageDigest md = sha256();
    for (Map.Entry<byte[], byte[]> e : bucket.entrySet()) {
      md.update(sha256().digest(entry(e.getKey(), e.getValue())));
    }
    return Digest.of(md.digest());
  }

  static long encodedBytes(NavigableMap<byte[], byte[]> bucket) {
    long bytes = 0;
    for (Map.Entry<byte[], byte[]> e : bucket.entrySet()) {
      bytes += 8 + e.getKey().length + e.getValue().length;
    }
    return bytes;
  }

  static Digest[] leaves(NavigableMap<byte[], byte[]> model, int chunks) {
    Digest[] out = new Digest[chunks];
    for (int c = 0; c < chunks; c++) {
      out[c] = leaf(bucketOf(model, c, chunks));
    }
    return out;
  }

  static byte[] entry(byte[] key, byte[] value) {
    return ByteBuffer.allocate(8 + key.length + value.length).putInt(key.length).put(key).putInt(value.length).put(value)
        .array();
  }

  /** A bucket's encoding: [count:8][encoded bytes:8][inner:32] then each entry. */
  static byte[] encoding(NavigableMap<byte[], byte[]> bucket) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header(bucket.size(), encodedBytes(bucket), inner(bucket)));
    bucket.forEach((k, v) -> out.writeBytes(entry(k, v)));
    return out.toByteArray();
  }

  static byte[] header(long count, long encodedBytes, Digest inner) {
    return ByteBuffer.allocate(48).putLong(count).putLong(encodedBytes).put(inner.toBytes()).array();
  }

  /** Chunk {@code chunk} of {@code snapshot}, read whole through positions in pieces of at most {@code maxBytes}. */
  static byte[] readAll(StateSnapshot snapshot, int chunk, int maxBytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] position = new byte[0];
    while (position != null) {
      StateSnapshot.Piece p = snapshot.read(chunk, position, maxBytes);
      if (p == null) {
        throw new AssertionError("chunk " + chunk + ": no piece at a position the snapshot gave");
      }
      if (p.bytes().length < 1 || p.bytes().length > maxBytes) {
        throw new AssertionError("chunk " + chunk + ": a piece of " + p.bytes().length + " bytes for at most " + maxBytes);
      }
      out.writeBytes(p.bytes());
      position = p.next();
    }
    return out.toByteArray();
  }

  /** Streams chunk {@code chunk} of {@code from} into {@code receiver}; false when the receiver refused a piece. */
  static boolean stream(StateSnapshot from, int chunk, int maxBytes, ChunkReceiver receiver) {
    byte[] position = new byte[0];
    while (position != null) {
      StateSnapshot.Piece p = from.read(chunk, position, maxBytes);
      if (!receiver.accept(p.bytes())) {
        return false;
      }
      position = p.next();
    }
    return true;
  }

  /** Feeds {@code bytes} to {@code receiver} in pieces of {@code size}; false when it refused one. */
  static boolean feed(ChunkReceiver receiver, byte[] bytes, int size) {
    for (int i = 0; i < bytes.length; i += size) {
      if (!receiver.accept(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)))) {
        return false;
      }
    }
    return true;
  }
}
