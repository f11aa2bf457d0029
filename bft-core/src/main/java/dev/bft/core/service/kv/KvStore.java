package dev.bft.core.service.kv;

import dev.bft.core.service.DurableState;
import dev.bft.core.service.ServiceContext;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbTables;
import dev.bft.storage.StorageException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value state in its LMDB environment, with the one write transaction: opened when first
 * needed, kept across operations and batches, committed by size or when the service says, never
 * committed between the operations of a batch. It keeps {@link Buckets} in step with every write.
 */
final class KvStore implements AutoCloseable, dev.bft.core.service.KvRules.Store {
  private static final Logger LOG = LoggerFactory.getLogger(KvStore.class);

  private final LmdbTables tables;
  final LmdbTables.Handle data;
  private final LmdbTables.Handle hashes;
  private final LmdbTables.Handle stagedData;
  private final LmdbTables.Handle stagedHashes;
  final LmdbTables.Handle leaves;
  private final LmdbTables.Handle meta;
  private final LmdbTables.Handle clients;
  private final int chunkCount;
  private final long commitBytes;
  final Buckets buckets;
  private LmdbTables.Writer writer;
  /** Operations executed whose batch has not been recorded: no commit may split them. */
  private boolean midBatch;
  private long commits;
  private boolean closed;

  KvStore(ServiceContext context, LmdbKeyValueService.Options options) {
    this.chunkCount = options.chunkCount();
    this.commitBytes = options.commitBytes();
    this.tables = LmdbTables.open(context.dataDirectory().resolve("kv"), context.mapMegabytes() << 20,
        context.durable(), "raise the service's map size (" + context.mapMegabytes() + " MiB now)", KvLayout.TABLES);
    this.data = tables.table(KvLayout.DATA);
    this.hashes = tables.table(KvLayout.HASHES);
    this.stagedData = tables.table(KvLayout.STAGED_DATA);
    this.stagedHashes = tables.table(KvLayout.STAGED_HASHES);
    this.leaves = tables.table(KvLayout.LEAVES);
    this.meta = tables.table(KvLayout.META);
    this.clients = tables.table(KvLayout.CLIENTS);
    this.buckets = new Buckets(chunkCount);
    try {
      if (KvLayout.LONGEST_PLAIN_KEY + 4 > tables.maxKeySize()) {
        throw new IllegalStateException(directory() + ": this LMDB stores keys of at most " + tables.maxKeySize()
            + " bytes, and the key-value layout needs " + (KvLayout.LONGEST_PLAIN_KEY + 4));
      }
      prepare();
    } catch (RuntimeException e) {
      tables.close();
      throw e;
    }
  }

  /** Wipes a half-installed state and staged chunks nobody will install, then loads the leaves. */
  private void prepare() {
    try (LmdbTables.Writer w = tables.write()) {
      byte[] stored = w.get(meta, KvLayout.BUCKETS);
      if (stored != null && ByteBuffer.wrap(stored).getInt() != chunkCount) {
        throw new StorageException(directory() + ": the key-value state here has " + ByteBuffer.wrap(stored).getInt()
            + " buckets, this service " + chunkCount + "; the bucket count is fixed for a replica's life");
      }
      if (w.get(meta, KvLayout.INSTALLING) != null) {
        LOG.warn("{}: a state transfer was being installed when the replica stopped, so the state mixes two"
            + " checkpoints; starting empty, to fetch the state again", directory());
        for (String name : KvLayout.TABLES) {
          w.clear(tables.table(name));
        }
      }
      w.clear(stagedData);
      w.clear(stagedHashes);
      w.put(meta, KvLayout.BUCKETS, KvLayout.int4(chunkCount));
      w.commit();
    }
    try (LmdbTables.Reader r = tables.read()) {
      buckets.load(r, leaves);
    }
  }

  Path directory() {
    return tables.directory();
  }

  /** The value of {@code key}, as the open write transaction sees it. */
  @Override
  public byte[] get(byte[] key) {
    byte[] stored = KvLayout.storedKey(KvLayout.bucketOf(key, chunkCount), key);
    if (writer != null) {
      return KvLayout.value(key, writer.get(data, stored));
    }
    try (LmdbTables.Reader r = tables.read()) {
      return KvLayout.value(key, r.get(data, stored));
    }
  }

  @Override
  public void put(byte[] key, byte[] value) {
    midBatch = true;
    int b = KvLayout.bucketOf(key, chunkCount);
    byte[] stored = KvLayout.storedKey(b, key);
    LmdbTables.Writer w = writer();
    byte[] old = w.get(hashes, stored);
    w.put(data, stored, KvLayout.dataRecord(key, value));
    w.put(hashes, stored, KvLayout.hashRecord(key, KvLayout.entryHash(key, value), value.length));
    buckets.put(b, key.length, old == null ? -1 : KvLayout.recordValueLength(old), value.length);
  }

  @Override
  public void delete(byte[] key) {
    midBatch = true;
    int b = KvLayout.bucketOf(key, chunkCount);
    byte[] stored = KvLayout.storedKey(b, key);
    LmdbTables.Writer w = writer();
    byte[] old = w.get(hashes, stored);
    if (old != null) {
      w.delete(data, stored);
      w.delete(hashes, stored);
      buckets.removed(b, key.length, KvLayout.recordValueLength(old));
    }
  }

  /** An operation of a batch ran: until {@link #executed}, nothing commits. */
  void executing() {
    midBatch = true;
  }

  boolean midBatch() {
    return midBatch;
  }

  /** Recomputes stale leaves in the write transaction, so that the leaves and root are current. */
  void refreshLeaves() {
    if (buckets.anyStale()) {
      buckets.refresh(writer(), hashes, leaves);
    }
  }

  DurableState.Stored stored() {
    try (LmdbTables.Reader r = tables.read()) {
      byte[] applied = r.get(meta, KvLayout.APPLIED);
      if (applied == null) {
        return null;
      }
      SortedMap<Integer, byte[]> entries = new TreeMap<>();
      r.scan(clients, new byte[0], null, (k, v) -> entries.put(ByteBuffer.wrap(k).getInt(), v) == null);
      return new DurableState.Stored(ByteBuffer.wrap(applied).getLong(), entries);
    }
  }

  void clientEntry(int client, byte[] entry) {
    midBatch = true;
    writer().put(clients, KvLayout.int4(client), entry);
  }

  /** Records batch {@code sequence} as applied, and commits at a checkpoint or when the transaction has grown. */
  void executed(long sequence, boolean checkpoint) {
    LmdbTables.Writer w = writer();
    w.put(meta, KvLayout.APPLIED, KvLayout.long8(sequence));
    midBatch = false;
    if (checkpoint || w.written() > commitBytes) {
      commit(true);
    }
  }

  void sync() {
    tables.sync();
  }

  /** A read transaction over what is committed. */
  LmdbTables.Reader read() {
    return tables.read();
  }

  /** An entry of a chunk arriving: staged until installed. */
  void stage(int chunk, byte[] key, byte[] value, byte[] entryHash) {
    LmdbTables.Writer w = writer();
    byte[] stored = KvLayout.storedKey(chunk, key);
    w.put(stagedData, stored, KvLayout.dataRecord(key, value));
    w.put(stagedHashes, stored, KvLayout.hashRecord(key, entryHash, value.length));
    if (!midBatch && w.written() > commitBytes) {
      commit(true);
    }
  }

  void clearStaged(int chunk) {
    byte[] from = KvLayout.bucketStart(chunk);
    byte[] to = KvLayout.bucketEnd(chunk);
    bounded(w -> w.deleteRange(stagedData, from, to, budget()), true);
    bounded(w -> w.deleteRange(stagedHashes, from, to, budget()), true);
  }

  /** Marks the start of an install: a restart before {@link #finishInstall} starts empty. */
  void beginInstall() {
    writer().put(meta, KvLayout.INSTALLING, new byte[] {1});
  }

  /** Replaces bucket {@code chunk}'s entries with the staged ones, whose digest, entries, bytes and inner digest are given. */
  void installStaged(int chunk, Digest leaf, long entries, long encodedBytes, Digest inner) {
    byte[] from = KvLayout.bucketStart(chunk);
    byte[] to = KvLayout.bucketEnd(chunk);
    bounded(w -> w.deleteRange(data, from, to, budget()), false);
    bounded(w -> w.deleteRange(hashes, from, to, budget()), false);
    bounded(w -> w.moveRange(stagedData, data, from, to, budget()), false);
    bounded(w -> w.moveRange(stagedHashes, hashes, from, to, budget()), false);
    buckets.installed(chunk, leaf, entries, encodedBytes, inner);
  }

  /** Ends an install in its last commit: the applied sequence and client table become those given. */
  void finishInstall(long sequence, SortedMap<Integer, byte[]> clientEntries) {
    LmdbTables.Writer w = writer();
    w.clear(clients);
    clientEntries.forEach((client, entry) -> w.put(clients, KvLayout.int4(client), entry));
    w.put(meta, KvLayout.APPLIED, KvLayout.long8(sequence));
    w.delete(meta, KvLayout.INSTALLING);
    commit(true);
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
    return midBatch ? Long.MAX_VALUE : commitBytes;
  }

  private LmdbTables.Writer writer() {
    if (closed) {
      throw new IllegalStateException(directory() + ": the key-value service is closed");
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
  void commit(boolean consistent) {
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

  long commits() {
    return commits;
  }

  long stagedEntries() {
    LmdbTables.Writer w = writer();
    return w.count(stagedData) + w.count(stagedHashes);
  }

  /** Aborts what was not committed (it was never promised) and closes the environment. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (writer != null) {
      writer.close();
      writer = null;
    }
    tables.close();
  }
}
