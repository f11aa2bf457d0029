package dev.bft.core.service.ledger;

import dev.bft.core.service.MerkleTree;
import dev.bft.core.service.ReplicatedService;
import dev.bft.core.service.ByteChunkService;
import dev.bft.core.service.ByteChunkSnapshot;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger's accounts, spread over a fixed number of buckets (the chunks) by a stable hash of
 * the account number. A bucket also counts what was deposited into and withdrawn from its
 * accounts, so the totals travel and are digested with the accounts they belong to. Buckets are
 * copy-on-write: a snapshot shares them, the next write to a shared bucket copies it first; only
 * buckets written since the last digest are rehashed.
 */
final class LedgerState {
  /** Accounts and counters of one bucket; mutable only while not shared with a snapshot. */
  static final class Bucket {
    final TreeMap<Long, Account> accounts;
    long deposited;
    long withdrawn;

    Bucket(TreeMap<Long, Account> accounts, long deposited, long withdrawn) {
      this.accounts = accounts;
      this.deposited = deposited;
      this.withdrawn = withdrawn;
    }

    Bucket copy() {
      return new Bucket(new TreeMap<>(accounts), deposited, withdrawn);
    }
  }

  private final Bucket[] buckets;
  private final boolean[] shared;
  private final boolean[] dirty;
  private final Digest[] digests;
  private boolean anyDirty = true;
  private long deposited;
  private long withdrawn;
  private long accounts;

  LedgerState(int bucketCount) {
    if (bucketCount < 1 || Integer.bitCount(bucketCount) != 1) {
      throw new IllegalArgumentException("bucket count " + bucketCount + " must be a power of two");
    }
    buckets = new Bucket[bucketCount];
    shared = new boolean[bucketCount];
    dirty = new boolean[bucketCount];
    digests = new Digest[bucketCount];
    for (int b = 0; b < bucketCount; b++) {
      buckets[b] = new Bucket(new TreeMap<>(), 0, 0);
      dirty[b] = true;
    }
  }

  int bucketCount() {
    return buckets.length;
  }

  /** A 64-bit finalizer (SplitMix64): stable across JVMs, and sequential account numbers spread evenly. */
  int bucketOf(long account) {
    long z = account + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return (int) (z ^ (z >>> 31)) & (buckets.length - 1);
  }

  Account get(long account) {
    return buckets[bucketOf(account)].accounts.get(account);
  }

  /** Stores {@code updated} and adds to its bucket's counters what it deposited and withdrew. */
  void put(long account, Account updated, long depositedNow, long withdrawnNow) {
    Bucket b = writable(bucketOf(account));
    if (b.accounts.put(account, updated) == null) {
      accounts++;
    }
    b.deposited += depositedNow;
    b.withdrawn += withdrawnNow;
    deposited += depositedNow;
    withdrawn += withdrawnNow;
  }

  long deposited() {
    return deposited;
  }

  long withdrawn() {
    return withdrawn;
  }

  long accounts() {
    return accounts;
  }

  private Bucket writable(int b) {
    if (shared[b]) {
      buckets[b] = buckets[b].copy();
      shared[b] = false;
    }
    dirty[b] = true;
    anyDirty = true;
    return buckets[b];
  }

  Digest[] digests() {
    if (anyDirty) {
      for (int b = 0; b < buckets.length; b++) {
        if (dirty[b]) {
          digests[b] = ByteChunkService.chunkDigest(encode(buckets[b]));
          dirty[b] = false;
        }
      }
      anyDirty = false;
    }
    return digests.clone();
  }

  Digest root() {
    return MerkleTree.root(digests());
  }

  ByteChunkSnapshot snapshot() {
    Digest[] leaves = digests();
    Bucket[] view = buckets.clone();
    java.util.Arrays.fill(shared, true);
    return new ByteChunkSnapshot() {
      @Override
      public Digest[] chunkDigests() {
        return leaves.clone();
      }

      @Override
      public byte[] chunk(int c) {
        return encode(view[c]);
      }
    };
  }

  /** Replaces bucket {@code b} with a verified encoding; throws IllegalArgumentException on bytes that are not one. */
  void install(int b, byte[] content) {
    Bucket decoded = decode(content);
    Bucket old = buckets[b];
    for (Long account : decoded.accounts.keySet()) {
      if (bucketOf(account) != b) {
        throw new IllegalArgumentException("not bucket " + b + ": account " + account + " belongs to bucket " + bucketOf(account));
      }
    }
    accounts += decoded.accounts.size() - old.accounts.size();
    deposited += decoded.deposited - old.deposited;
    withdrawn += decoded.withdrawn - old.withdrawn;
    buckets[b] = decoded;
    shared[b] = false;
    dirty[b] = true;
    anyDirty = true;
  }

  /** Every account, bucket by bucket: for checks that add up balances. */
  Iterable<Account> all() {
    return () -> java.util.Arrays.stream(buckets).flatMap(b -> b.accounts.values().stream()).iterator();
  }

  /** {@code [deposited:8][withdrawn:8][count:4]([account:8][Account])*} in account order. */
  static byte[] encode(Bucket bucket) {
    int size = 20;
    for (Account a : bucket.accounts.values()) {
      size += 8 + a.encodedSize();
    }
    ByteBuffer b = ByteBuffer.allocate(size).putLong(bucket.deposited).putLong(bucket.withdrawn)
        .putInt(bucket.accounts.size());
    for (Map.Entry<Long, Account> e : bucket.accounts.entrySet()) {
      b.putLong(e.getKey());
      e.getValue().encode(b);
    }
    return b.array();
  }

  static Bucket decode(byte[] content) {
    try {
      ByteBuffer b = ByteBuffer.wrap(content);
      long dep = b.getLong();
      long wd = b.getLong();
      int count = b.getInt();
      if (count < 0 || count > b.remaining() / 21) {
        throw new IllegalArgumentException("not a ledger bucket: " + count + " accounts in " + b.remaining() + " bytes");
      }
      TreeMap<Long, Account> accounts = new TreeMap<>();
      for (int i = 0; i < count; i++) {
        accounts.put(b.getLong(), Account.decode(b));
      }
      if (b.hasRemaining() || accounts.size() != count) {
        throw new IllegalArgumentException("not a ledger bucket: trailing bytes or repeated accounts");
      }
      return new Bucket(accounts, dep, wd);
    } catch (java.nio.BufferUnderflowException e) {
      throw new IllegalArgumentException("not a ledger bucket: truncated", e);
    }
  }
}
