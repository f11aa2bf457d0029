package dev.bft.core.service;

/**
 * The built-in replicated key-value store: put, get, delete and compare-and-set on byte strings.
 * Deterministic (sorted buckets, no hash-ordered iteration), with an incremental state digest and
 * copy-on-write snapshots (see {@link KvState}).
 */
public final class KeyValueService implements ByteChunkService {
  public static final int DEFAULT_MAX_KEY = 1024;
  public static final int DEFAULT_MAX_VALUE = 64 * 1024;

  private final KvState state;
  private final int maxKey;
  private final int maxValue;

  public KeyValueService() {
    this(KvState.DEFAULT_BUCKETS, DEFAULT_MAX_KEY, DEFAULT_MAX_VALUE);
  }

  public KeyValueService(int buckets, int maxKey, int maxValue) {
    this.state = new KvState(buckets);
    this.maxKey = maxKey;
    this.maxValue = maxValue;
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    KvOperation op = KvOperation.decode(operation, maxKey, maxValue);
    if (op == null) {
      return KvRules.refused(operation, maxKey);
    }
    return KvRules.apply(op, state).encode();
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return KvRules.readOnly(operation, maxKey, maxValue, state);
  }

  @Override
  public dev.bft.crypto.Digest stateDigest() {
    return state.digest();
  }

  @Override
  public KvSnapshot snapshot() {
    return state.snapshot();
  }

  /** Replaces the whole state with a snapshot's. */
  public void restore(KvSnapshot snapshot) {
    state.restore(snapshot);
  }

  @Override
  public int chunkCount() {
    return state.bucketCount();
  }

  @Override
  public dev.bft.crypto.Digest[] chunkDigests() {
    return state.bucketDigests();
  }

  /** Installs one bucket (its whole encoding); throws IllegalArgumentException on bytes that are not one. */
  @Override
  public void installChunk(int chunk, byte[] content) {
    state.restoreBucket(chunk, content);
  }

  public long size() {
    return state.entries();
  }
}
