package dev.bft.core.service.kv;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.DurableState;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KeyValueService;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvRules;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.ServiceProvider;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value service of {@link dev.bft.core.service.KeyValueService} (same operations, same
 * results) with its state in LMDB rather than the heap, so the state may be far larger than memory:
 * the heap holds per-bucket bookkeeping ({@link Buckets}) and the one entry in flight.
 *
 * <p>Execution writes into one write transaction, opened when first needed and kept across
 * operations and batches; {@link #executed} stores the batch's sequence in it and commits when it
 * has written more than {@link Options#commitBytes} (so LMDB's dirty pages stay bounded) or at a
 * checkpoint. A crash therefore loses the batches since the last commit, which the replica's log
 * replays. See {@link KvStore} for the transaction, {@link KvLayout} for the tables and digests,
 * {@link LmdbKvSnapshot} for snapshots and {@link LmdbChunkReceiver} for receiving chunks.
 */
public final class LmdbKeyValueService implements ReplicatedService, DurableState, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyValueService.class);

  /**
   * Sizes fixed for a replica's life (the same at every replica).
   *
   * @param chunkCount buckets: a power of two, at most 2^30; each costs about 100 bytes of heap
   * @param maxKey the longest key, at most {@link #LONGEST_KEY}
   * @param maxValue the longest value
   * @param commitBytes commit when the write transaction has written more than this
   */
  public record Options(int chunkCount, int maxKey, int maxValue, long commitBytes) {
    public static final int DEFAULT_CHUNKS = 65536;
    /**
     * The heap service's, so that a client moving between {@code kv} and {@code kv-heap} finds the
     * same keys taken; keys longer than LMDB's keys allow are stored under their hash ({@link KvLayout}).
     */
    public static final int LONGEST_KEY = KeyValueService.DEFAULT_MAX_KEY;

    public static Options defaults() {
      return new Options(DEFAULT_CHUNKS, LONGEST_KEY, KeyValueService.DEFAULT_MAX_VALUE, 8L << 20);
    }
  }

  private final Options options;
  private final KvStore store;
  private final Map<Integer, LmdbChunkReceiver> receiving = new HashMap<>();
  private final Set<LmdbKvSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private boolean closed;

  public LmdbKeyValueService(ServiceContext context) {
    this(context, Options.defaults());
  }

  public LmdbKeyValueService(ServiceContext context, Options options) {
    int n = options.chunkCount();
    if (n < 1 || n > 1 << 30 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException("bucket count " + n + " must be a power of two up to 2^30");
    }
    if (options.maxKey() < 0 || options.maxKey() > Options.LONGEST_KEY || options.maxValue() < 0
        || options.commitBytes() < 1) {
      throw new IllegalArgumentException("key-value options " + options + ": keys of 0 to " + Options.LONGEST_KEY
          + " bytes, values of 0 or more, a positive commit size");
    }
    this.options = options;
    this.store = new KvStore(context, options);
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    KvOperation op = KvOperation.decode(operation, options.maxKey(), options.maxValue());
    if (op == null) {
      return KvRules.refused(operation, options.maxKey());
    }
    store.executing();
    return KvRules.apply(op, store).encode();
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    return KvRules.readOnly(operation, options.maxKey(), options.maxValue(), store);
  }

  @Override
  public int chunkCount() {
    return options.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    store.refreshLeaves();
    return store.buckets.leaves();
  }

  @Override
  public Digest stateDigest() {
    store.refreshLeaves();
    return store.buckets.root();
  }

  /** The entries in the state, committed or not. */
  public long size() {
    return store.buckets.totalEntries();
  }

  @Override
  public DurableState durableState() {
    return this;
  }

  @Override
  public Stored stored() {
    return store.stored();
  }

  @Override
  public void clientEntry(int client, byte[] entry) {
    store.clientEntry(client, entry);
  }

  @Override
  public void executed(long sequence, boolean checkpoint) {
    store.executed(sequence, checkpoint);
  }

  @Override
  public void sync() {
    store.sync();
  }

  @Override
  public StateSnapshot snapshot() {
    if (store.midBatch()) {
      throw new IllegalStateException(store.directory() + ": a snapshot was asked for between operations of a"
          + " batch (execute without executed): committing for it would store the batch half applied");
    }
    store.commit(true);
    LmdbKvSnapshot s = new LmdbKvSnapshot(store.read(), store.data, store.leaves, store.buckets.leafBytes(),
        store.buckets.entriesCopy(), store.buckets.bytesCopy(), snapshots::remove);
    snapshots.add(s);
    return s;
  }

  @Override
  public ChunkReceiver receiveChunk(int chunk, Digest proven) {
    if (chunk < 0 || chunk >= options.chunkCount()) {
      throw new IllegalArgumentException("chunk " + chunk + " of " + options.chunkCount());
    }
    LmdbChunkReceiver r = new LmdbChunkReceiver(this, chunk, proven, options.maxKey(), options.maxValue());
    LmdbChunkReceiver earlier = receiving.put(chunk, r);
    if (earlier != null) {
      earlier.supersede();
    }
    // An earlier receiver's entries would mix with this one's.
    store.clearStaged(chunk);
    return r;
  }

  /** A receiver parsed a whole entry of {@code chunk}: it waits in the staging tables until installed. */
  void stage(int chunk, byte[] key, byte[] value, byte[] entryHash) {
    store.stage(chunk, key, value, entryHash);
  }

  void discarded(LmdbChunkReceiver r) {
    if (receiving.get(r.chunk()) == r) {
      receiving.remove(r.chunk());
      store.clearStaged(r.chunk());
    }
  }

  @Override
  public void install(List<ChunkReceiver> chunks, long sequence, SortedMap<Integer, byte[]> clientEntries) {
    if (store.midBatch()) {
      throw new IllegalStateException(store.directory() + ": install between operations of a batch");
    }
    Set<Integer> seen = new HashSet<>();
    for (ChunkReceiver c : chunks) {
      if (!(c instanceof LmdbChunkReceiver r) || receiving.get(r.chunk()) != r || !r.installable() || !seen.add(r.chunk())) {
        throw new IllegalArgumentException("chunk " + c.chunk() + " is not installable here: not received whole by this"
            + " service (finish gave no digest), discarded, superseded or listed twice");
      }
    }
    // Until the last commit of the install, a restart finds the marker and starts empty.
    store.beginInstall();
    for (ChunkReceiver c : chunks) {
      LmdbChunkReceiver r = (LmdbChunkReceiver) c;
      store.installStaged(r.chunk(), r.digest(), r.entries(), r.encodedBytes(), r.inner());
      receiving.remove(r.chunk());
    }
    store.finishInstall(sequence, clientEntries);
    LOG.info("{}: installed {} chunks of checkpoint {} (state transfer or import)", store.directory(), chunks.size(), sequence);
  }

  /** Aborts what was not committed (it was never promised), closes the snapshots, then the environment. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (LmdbKvSnapshot s : List.copyOf(snapshots)) {
      s.close();
    }
    store.close();
  }

  long commits() {
    return store.commits();
  }

  /** Entries in the staging tables, committed or not (for tests: a discard leaves none). */
  long stagedEntries() {
    return store.stagedEntries();
  }

  /** The built-in key-value store with its state in LMDB. */
  public static final class Provider implements ServiceProvider {
    @Override
    public String name() {
      return "kv";
    }

    @Override
    public String description() {
      return "the built-in key-value store, its state in LMDB (larger than memory)";
    }

    @Override
    public ReplicatedService create() {
      throw new IllegalStateException("the kv service keeps its state in LMDB and needs a data directory: create it"
          + " with create(ServiceContext)");
    }

    @Override
    public ReplicatedService create(ServiceContext context) {
      return new LmdbKeyValueService(context);
    }
  }
}
