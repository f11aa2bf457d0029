package dev.bft.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * A replica's LMDB environment. Opening it takes an exclusive lock file, so a second process on the
 * same directory fails at once instead of corrupting the first one's log. Uses lmdbjava's byte-array
 * proxy, so no JDK internals are opened for it. That proxy needs lmdbjava 0.9.2 or later: before
 * it, the native copy of a key or value could be freed by the collector while LMDB still read it
 * (lmdbjava issue 252: garbage written, or a SIGSEGV in mdb_put), which {@code LmdbStoreUnderGcTest}
 * catches.
 */
public final class LmdbStore implements AutoCloseable {
  private final Path dir;
  private final Env<byte[]> env;
  private final Map<Table, Dbi<byte[]>> tables = new EnumMap<>(Table.class);
  private final DirectoryLock lock;

  private LmdbStore(Path dir, Env<byte[]> env, DirectoryLock lock) {
    this.dir = dir;
    this.env = env;
    this.lock = lock;
  }

  /**
   * Opens (creating if {@code create}) the environment in {@code dir}.
   *
   * @param sync fsync every commit (the default durability); false for write-behind (MDB_NOSYNC)
   */
  public static LmdbStore open(Path dir, long mapSizeBytes, boolean sync, boolean create) {
    boolean exists = Files.isDirectory(dir) && Files.exists(dir.resolve("data.mdb"));
    if (!exists && !create) {
      throw new StorageException(dir + ": no replica data here (expected data.mdb)");
    }
    DirectoryLock lock = DirectoryLock.take(dir);
    try {
      EnvFlags[] flags = sync ? new EnvFlags[0] : new EnvFlags[] {EnvFlags.MDB_NOSYNC};
      Env<byte[]> env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapSizeBytes).setMaxDbs(Table.values().length)
          .open(dir.toFile(), flags);
      LmdbStore store = new LmdbStore(dir, env, lock);
      for (Table t : Table.values()) {
        store.tables.put(t, env.openDbi(t.name(), DbiFlags.MDB_CREATE));
      }
      return store;
    } catch (LmdbException | IllegalArgumentException e) {
      lock.close();
      throw new StorageException(dir + ": not a usable LMDB environment (corrupt, truncated or incompatible): "
          + e.getMessage(), e);
    }
  }

  /** Applies a batch atomically; durable on return when opened with sync. */
  public void commit(WriteBatch batch) {
    if (batch.isEmpty()) {
      return;
    }
    try (Txn<byte[]> txn = env.txnWrite()) {
      for (WriteBatch.Op op : batch.ops) {
        if (op instanceof WriteBatch.Put p) {
          tables.get(p.table()).put(txn, p.key(), p.value());
        } else if (op instanceof WriteBatch.Delete d) {
          tables.get(d.table()).delete(txn, d.key());
        } else if (op instanceof WriteBatch.DeleteBelow db) {
          try (Cursor<byte[]> c = tables.get(db.table()).openCursor(txn)) {
            while (c.first() && Arrays.compareUnsigned(c.key(), db.bound()) < 0) {
              c.delete();
            }
          }
        }
      }
      txn.commit();
    } catch (Env.MapFullException e) {
      throw new StorageException(dir + ": the LMDB map is full; raise storage.map.mb in the cluster file", e);
    } catch (LmdbException e) {
      throw new StorageException(dir + ": write failed: " + e.getMessage(), e);
    }
  }

  public byte[] get(Table table, byte[] key) {
    try (Txn<byte[]> txn = env.txnRead()) {
      byte[] v = tables.get(table).get(txn, key);
      return v == null ? null : v.clone();
    }
  }

  /** Visits every entry of a table in key order, in one consistent read snapshot. */
  public void forEach(Table table, BiConsumer<byte[], byte[]> visitor) {
    try (Txn<byte[]> txn = env.txnRead(); Cursor<byte[]> c = tables.get(table).openCursor(txn)) {
      if (c.first()) {
        do {
          visitor.accept(c.key().clone(), c.val().clone());
        } while (c.next());
      }
    }
  }

  public long count(Table table) {
    try (Txn<byte[]> txn = env.txnRead()) {
      return tables.get(table).stat(txn).entries;
    }
  }

  @Override
  public void close() {
    env.close();
    lock.close();
  }

}
