package dev.bft.core.service.kv;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.core.service.DurableState;
import dev.bft.core.service.ExecutionContext;
import dev.bft.core.service.KvOperation;
import dev.bft.core.service.KvResult;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ServiceContext;
import dev.bft.core.service.ServiceProvider;
import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbTables;
import dev.bft.storage.StorageException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
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
 * replays. See {@link KvLayout} for the tables and digests, {@link LmdbKvSnapshot} for snapshots and
 * {@link LmdbChunkReceiver} for receiving chunks.
 */
public final class LmdbKeyValueService implements ReplicatedService, DurableState, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LmdbKeyValueService.class);

  /**
   * Sizes fixed for a replica's life (the same at every replica).
   *
   * @param chunkCount buckets: a power of two, at most 2^30; each costs about 100 bytes of heap
   * @param maxKey the longest key: LMDB stores keys of at most 511 bytes, and a bucket prefix takes 4
   * @param maxValue the longest value
   * @param commitBytes commit when the write transaction has written more than this
   */
  public record Options(int chunkCount, int maxKey, int maxValue, long commitBytes) {
    public static final int DEFAULT_CHUNKS = 65536;
    public static final int LONGEST_KEY = 507;

    public static Options defaults() {
      return new Options(DEFAULT_CHUNKS, LONGEST_KEY, 64 * 1024, 8L << 20);
    }
  }

  private final LmdbTables tables;
  private final LmdbTables.Handle data;
  private final LmdbTables.Handle hashes;
  private final LmdbTables.Handle stagedData;
  private final LmdbTables.Handle stagedHashes;
  private final LmdbTables.Handle leaves;
  private final LmdbTables.Handle meta;
  private final LmdbTables.Handle clients;
  private final Options options;
  private final Buckets buckets;
  private final Map<Integer, LmdbChunkReceiver> receiving = new HashMap<>();
  private final Set<LmdbKvSnapshot> snapshots = ConcurrentHashMap.newKeySet();
  private LmdbTables.Writer writer;
  /** Operations executed whose batch has not been {@link #executed}: no commit may split them. */
  private boolean midBatch;
  private long commits;
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
    this.tables = LmdbTables.open(context.dataDirectory().resolve("kv"), context.mapMegabytes() << 20,
        context.durable(), "raise the service's map size (" + context.mapMegabytes() + " MiB now)", KvLayout.TABLES);
    this.data = tables.table(KvLayout.DATA);
    this.hashes = tables.table(KvLayout.HASHES);
    this.stagedData = tables.table(KvLayout.STAGED_DATA);
    this.stagedHashes = tables.table(KvLayout.STAGED_HASHES);
    this.leaves = tables.table(KvLayout.LEAVES);
    this.meta = tables.table(KvLayout.META);
    this.clients = tables.table(KvLayout.CLIENTS);
    this.buckets = new Buckets(n);
    try {
      prepare();
    } catch (RuntimeException e) {
      tables.close();
      throw e;
    }
  }

  /** Wipes a half-installed state and staged chunks nobody will install, then loads the leaves. */
  private void prepare() {
    if (options.maxKey() + 4 > tables.maxKeySize()) {
      throw new IllegalArgumentException("keys of " + options.maxKey() + " bytes do not fit LMDB's keys of "
          + tables.maxKeySize() + " with a bucket prefix of 4");
    }
    try (LmdbTables.Writer w = tables.write()) {
      byte[] stored = w.get(meta, KvLayout.BUCKETS);
      if (stored != null && ByteBuffer.wrap(stored).getInt() != options.chunkCount()) {
        throw new StorageException(tables.directory() + ": the key-value state here has "
            + ByteBuffer.wrap(stored).getInt() + " buckets, this service " + options.chunkCount()
            + "; the bucket count is fixed for a replica's life");
      }
      if (w.get(meta, KvLayout.INSTALLING) != null) {
        LOG.warn("{}: a state transfer was being installed when the replica stopped, so the state mixes two"
            + " checkpoints; starting empty, to fetch the state again", tables.directory());
        for (String name : KvLayout.TABLES) {
          w.clear(tables.table(name));
        }
      }
      w.clear(stagedData);
      w.clear(stagedHashes);
      w.put(meta, KvLayout.BUCKETS, KvLayout.int4(options.chunkCount()));
      w.commit();
    }
    try (LmdbTables.Reader r = tables.read()) {
      buckets.load(r, leaves);
    }
  }

  @Override
  public byte[] execute(byte[] operation, ExecutionContext ctx) {
    KvOperation op = KvOperation.decode(operation, options.maxKey(), options.maxValue());
    if (op == null) {
      return KvResult.error("not a key-value operation").encode();
    }
    midBatch = true;
    return apply(op).encode();
  }

  @Override
  public byte[] executeReadOnly(byte[] operation) {
    KvOperation op = KvOperation.decode(operation, options.maxKey(), options.maxValue());
    if (op == null || !op.readOnly()) {
      return KvResult.error("not a read-only key-value operation").encode();
    }
    return apply(op).encode();
  }

  private KvResult apply(KvOperation op) {
    if (op instanceof KvOperation.Get g) {
      byte[] v = get(g.key());
      return v == null ? KvResult.ABSENT : KvResult.value(v);
    } else if (op instanceof KvOperation.Put p) {
      put(p.key(), p.value());
      return KvResult.OK;
    } else if (op instanceof KvOperation.Delete d) {
      delete(d.key());
      return KvResult.OK;
    }
    KvOperation.Cas c = (KvOperation.Cas) op;
    byte[] current = get(c.key());
    boolean matches = c.expected() == null ? current == null : current != null && Arrays.equals(current, c.expected());
    if (!matches) {
      return KvResult.casFailed(current);
    }
    put(c.key(), c.newValue());
    return KvResult.OK;
  }

  private byte[] get(byte[] key) {
    byte[] stored = KvLayout.storedKey(KvLayout.bucketOf(key, options.chunkCount()), key);
    if (writer != null) {
      return writer.get(data, stored);
    }
    try (LmdbTables.Reader r = tables.read()) {
      return r.get(data, stored);
    }
  }

  private void put(byte[] key, byte[] value) {
    int b = KvLayout.bucketOf(key, options.chunkCount());
    byte[] stored = KvLayout.storedKey(b, key);
    LmdbTables.Writer w = writer();
    byte[] old = w.get(hashes, stored);
    w.put(data, stored, value);
    w.put(hashes, stored, KvLayout.hashRecord(KvLayout.entryHash(key, value), value.length));
    buckets.put(b, key.length, old == null ? -1 : KvLayout.recordValueLength(old), value.length);
  }

  private void delete(byte[] key) {
    int b = KvLayout.bucketOf(key, options.chunkCount());
    byte[] stored = KvLayout.storedKey(b, key);
    LmdbTables.Writer w = writer();
    byte[] old = w.get(hashes, stored);
    if (old != null) {
      w.delete(data, stored);
      w.delete(hashes, stored);
      buckets.removed(b, key.length, KvLayout.recordValueLength(old));
    }
  }

  @Override
  public int chunkCount() {
    return options.chunkCount();
  }

  @Override
  public Digest[] chunkDigests() {
    refreshLeaves();
    return buckets.leaves();
  }

  @Override
  public Digest stateDigest() {
    refreshLeaves();
    return buckets.root();
  }

  private void refreshLeaves() {
    if (buckets.anyStale()) {
      buckets.refresh(writer(), hashes, leaves);
    }
  }

  /** The entries in the state, committed or not. */
  public long size() {
    return buckets.totalEntries();
  }

  @Override
  public DurableState durableState() {
    return this;
  }

  @Override
  public Stored stored() {
    try (LmdbTables.Reader r = tables.read()) {
      byte[] applied = r.get(meta, KvLayout.APPLIED);
      if (applied == null) {
        return null;
      }
      SortedMap<Integer, byte[]> entries = new TreeMap<>();
      r.scan(clients, new byte[0], null, (k, v) -> entries.put(ByteBuffer.wrap(k).getInt(), v) == null);
      return new Stored(ByteBuffer.wrap(applied).getLong(), entries);
    }
  }

  @Override
  public void clientEntry(int client, byte[] entry) {
    midBatch = true;
    writer().put(clients, KvLayout.int4(client), entry);
  }

  @Override
  public void executed(long sequence, boolean checkpoint) {
    LmdbTables.Writer w = writer();
    w.put(meta, KvLayout.APPLIED, KvLayout.long8(sequence));
    midBatch = false;
    if (checkpoint || w.written() > options.commitBytes()) {
      commit(true);
    }
  }

  @Override
  public void sync() {
    tables.sync();
  }

  @Override
  public StateSnapshot snapshot() {
    if (midBatch) {
      throw new IllegalStateException(tables.directory() + ": a snapshot was asked for between operations of a"
          + " batch (execute without executed): committing for it would store the batch half applied");
    }
    commit(true);
    LmdbKvSnapshot s = new LmdbKvSnapshot(tables.read(), data, buckets.leaves(), buckets.entriesCopy(),
        buckets.bytesCopy(), options.maxKey(), snapshots::remove);
    snapshots.add(s);
    return s;
  }

  @Override
  public ChunkReceiver receiveChunk(int chunk) {
    if (chunk < 0 || chunk >= options.chunkCount()) {
      throw new IllegalArgumentException("chunk " + chunk + " of " + options.chunkCount());
    }
    LmdbChunkReceiver r = new LmdbChunkReceiver(this, chunk, options.maxKey(), options.maxValue());
    LmdbChunkReceiver earlier = receiving.put(chunk, r);
    if (earlier != null) {
      earlier.supersede();
    }
    // An earlier receiver's entries would mix with this one's.
    clearStaged(chunk);
    return r;
  }

  /** A receiver parsed a whole entry of {@code chunk}: it waits in the staging tables until installed. */
  void stage(int chunk, byte[] key, byte[] value, byte[] entryHash) {
    LmdbTables.Writer w = writer();
    byte[] stored = KvLayout.storedKey(chunk, key);
    w.put(stagedData, stored, value);
    w.put(stagedHashes, stored, KvLayout.hashRecord(entryHash, value.length));
    if (!midBatch && w.written() > options.commitBytes()) {
      commit(true);
    }
  }

  void discarded(LmdbChunkReceiver r) {
    if (receiving.get(r.chunk()) == r) {
      receiving.remove(r.chunk());
      clearStaged(r.chunk());
    }
  }

  private void clearStaged(int chunk) {
    byte[] from = KvLayout.bucketStart(chunk);
    byte[] to = KvLayout.bucketEnd(chunk);
    bounded(w -> w.deleteRange(stagedData, from, to, budget()), true);
    bounded(w -> w.deleteRange(stagedHashes, from, to, budget()), true);
  }

  @Override
  public void install(List<ChunkReceiver> chunks, long sequence, SortedMap<Integer, byte[]> clientEntries) {
    if (midBatch) {
      throw new IllegalStateException(tables.directory() + ": install between operations of a batch");
    }
    Set<Integer> seen = new HashSet<>();
    for (ChunkReceiver c : chunks) {
      if (!(c instanceof LmdbChunkReceiver r) || receiving.get(r.chunk()) != r || !r.installable() || !seen.add(r.chunk())) {
        throw new IllegalArgumentException("chunk " + c.chunk() + " is not installable here: not received whole by this"
            + " service (finish gave no digest), discarded, superseded or listed twice");
      }
    }
    // Until the last commit of the install, a restart finds the marker and starts empty.
    writer().put(meta, KvLayout.INSTALLING, new byte[] {1});
    for (ChunkReceiver c : chunks) {
      LmdbChunkReceiver r = (LmdbChunkReceiver) c;
      byte[] from = KvLayout.bucketStart(r.chunk());
      byte[] to = KvLayout.bucketEnd(r.chunk());
      bounded(w -> w.deleteRange(data, from, to, budget()), false);
      bounded(w -> w.deleteRange(hashes, from, to, budget()), false);
      bounded(w -> w.moveRange(stagedData, data, from, to, budget()), false);
      bounded(w -> w.moveRange(stagedHashes, hashes, from, to, budget()), false);
      buckets.installed(r.chunk(), r.digest(), r.entries(), r.encodedBytes());
      receiving.remove(r.chunk());
    }
    LmdbTables.Writer w = writer();
    w.clear(clients);
    clientEntries.forEach((client, entry) -> w.put(clients, KvLayout.int4(client), entry));
    w.put(meta, KvLayout.APPLIED, KvLayout.long8(sequence));
    w.delete(meta, KvLayout.INSTALLING);
    commit(true);
    LOG.info("{}: installed {} chunks of checkpoint {} by state transfer", tables.directory(), chunks.size(), sequence);
  }

  private interface RangeStep {
    boolean run(LmdbTables.Writer w);
  }

  /** Runs a budgeted range operation to its end, committing whenever the budget stops it. */
  private void bounded(RangeStep step, boolean consistent) {
    while (!step.run(writer())) {
      commit(consistent);
    }
  }

  private long budget() {
    return midBatch ? Long.MAX_VALUE : options.commitBytes();
  }

  private LmdbTables.Writer writer() {
    if (closed) {
      throw new IllegalStateException(tables.directory() + ": the key-value service is closed");
    }
    if (writer == null) {
      writer = tables.write();
    }
    return writer;
  }

  /**
   * Commits the write transaction, with the leaves it changed when the state is {@code consistent};
   * midway through an install it is not (a bucket's live entries half deleted), and the installing
   * marker makes a restart discard that commit anyway.
   */
  private void commit(boolean consistent) {
    if (writer == null) {
      return;
    }
    if (consistent) {
      buckets.refresh(writer, hashes, leaves);
    }
    LmdbTables.Writer w = writer;
    writer = null;
    w.commit();
    commits++;
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
    if (writer != null) {
      writer.close();
      writer = null;
    }
    tables.close();
  }

  long commits() {
    return commits;
  }

  /** Entries in the staging tables, committed or not (for tests: a discard leaves none). */
  long stagedEntries() {
    LmdbTables.Writer w = writer();
    return w.count(stagedData) + w.count(stagedHashes);
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
