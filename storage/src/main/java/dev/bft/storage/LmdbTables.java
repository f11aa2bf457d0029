package dev.bft.storage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.lmdbjava.ByteArrayProxy;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.LmdbException;
import org.lmdbjava.Txn;

/**
 * An LMDB environment of named tables for a service that keeps its own state, larger than the heap:
 * one long write transaction at a time, read transactions that other threads may hold (snapshots
 * served from network threads, hence MDB_NOTLS), range scans and range deletes whose memory is one
 * entry however large the range. Like {@link LmdbStore} it takes a lock file, so a second process on
 * the directory fails at once, and uses lmdbjava's byte-array proxy.
 *
 * <p>Durable means a commit fsyncs the data pages but not the meta page (MDB_NOMETASYNC): a power
 * cut keeps the environment intact and loses at most the last commit, and {@link #sync} (from any
 * thread) makes that one durable too. Otherwise nothing is fsynced (MDB_NOSYNC): a crash of the
 * process loses nothing, a power cut may corrupt.
 */
public final class LmdbTables implements AutoCloseable {
  private final Path dir;
  private final Env<byte[]> env;
  private final boolean durable;
  private final String whenFull;
  private final Map<String, Handle> tables = new LinkedHashMap<>();
  private final DirectoryLock lock;
  /** Held by sync and close only: a long fsync must not hold up the writer's next transaction. */
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  /** A table of the environment, by the name it was opened with. */
  public static final class Handle {
    private final String name;
    private final Dbi<byte[]> dbi;

    private Handle(String name, Dbi<byte[]> dbi) {
      this.name = name;
      this.dbi = dbi;
    }

    public String name() {
      return name;
    }
  }

  /** Sees one entry of a scan; false stops the scan. The arrays are the visitor's to keep. */
  @FunctionalInterface
  public interface Visitor {
    boolean visit(byte[] key, byte[] value);
  }

  private LmdbTables(Path dir, Env<byte[]> env, boolean durable, String whenFull, DirectoryLock lock) {
    this.dir = dir;
    this.env = env;
    this.durable = durable;
    this.whenFull = whenFull;
    this.lock = lock;
  }

  /**
   * Opens (creating) the environment in {@code dir} with the tables {@code names}.
   *
   * @param whenFull what the operator should do when the map is full, for the error message
   */
  public static LmdbTables open(Path dir, long mapBytes, boolean durable, String whenFull, List<String> names) {
    DirectoryLock lock = DirectoryLock.take(dir);
    EnvFlags sync = durable ? EnvFlags.MDB_NOMETASYNC : EnvFlags.MDB_NOSYNC;
    Env<byte[]> env = null;
    try {
      env = Env.create(ByteArrayProxy.PROXY_BA).setMapSize(mapBytes).setMaxDbs(names.size())
          .open(dir.toFile(), EnvFlags.MDB_NOTLS, sync);
      LmdbTables t = new LmdbTables(dir, env, durable, whenFull, lock);
      for (String name : names) {
        t.tables.put(name, new Handle(name, env.openDbi(name, DbiFlags.MDB_CREATE)));
      }
      return t;
    } catch (LmdbException | IllegalArgumentException e) {
      if (env != null) {
        env.close();
      }
      lock.close();
      throw new StorageException(dir + ": not a usable LMDB environment (corrupt, truncated or incompatible): "
          + e.getMessage(), e);
    }
  }

  public Path directory() {
    return dir;
  }

  /** The longest key LMDB stores (511 bytes as lmdbjava builds it). */
  public int maxKeySize() {
    return env.getMaxKeySize();
  }

  public Handle table(String name) {
    Handle h = tables.get(name);
    if (h == null) {
      throw new IllegalArgumentException("no table " + name + " in " + dir + "; opened with " + tables.keySet());
    }
    return h;
  }

  /** The write transaction; LMDB binds it to the calling thread, which alone may write through it. */
  public Writer write() {
    checkOpen();
    try {
      return new Writer(env.txnWrite());
    } catch (LmdbException e) {
      throw failure("cannot begin a write transaction", e);
    }
  }

  /** A read transaction: a consistent view, usable from any one thread at a time. */
  public Reader read() {
    checkOpen();
    try {
      return new Reader(env.txnRead());
    } catch (LmdbException e) {
      throw failure("cannot begin a read transaction", e);
    }
  }

  /** Makes every commit durable (fsync); safe from any thread, even while a write transaction is open. */
  public void sync() {
    synchronized (lifecycle) {
      if (closed || !durable) {
        return;
      }
      try {
        env.sync(true);
      } catch (LmdbException e) {
        throw failure("sync failed", e);
      }
    }
  }

  /** Closes the environment; every transaction must have ended. */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      env.close();
      lock.close();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new StorageException(dir + ": closed");
    }
  }

  private StorageException failure(String what, LmdbException e) {
    if (e instanceof Env.MapFullException) {
      return new StorageException(dir + ": the LMDB map is full; " + whenFull, e);
    }
    return new StorageException(dir + ": " + what + ": " + e.getMessage(), e);
  }

  /** Puts the cursor at the first key at or after {@code from}; LMDB refuses an empty key, which means the table's start. */
  private static boolean seek(Cursor<byte[]> c, byte[] from) {
    return from.length == 0 ? c.first() : c.get(from, GetOp.MDB_SET_RANGE);
  }

  /** A transaction's view of the tables. Closing it ends the transaction, abandoning what it wrote. */
  public class Reader implements AutoCloseable {
    final Txn<byte[]> txn;

    Reader(Txn<byte[]> txn) {
      this.txn = txn;
    }

    public byte[] get(Handle table, byte[] key) {
      try {
        return table.dbi.get(txn, key);
      } catch (LmdbException e) {
        throw failure("read of " + table.name + " failed", e);
      }
    }

    /**
     * Visits the entries with keys in {@code [from, to)} in unsigned byte order, one at a time (a null
     * {@code to}: to the table's end): true when the range ended, false when the visitor stopped it.
     */
    public boolean scan(Handle table, byte[] from, byte[] to, Visitor visitor) {
      try (Cursor<byte[]> c = table.dbi.openCursor(txn)) {
        if (!seek(c, from)) {
          return true;
        }
        do {
          byte[] key = c.key();
          if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
            return true;
          }
          if (!visitor.visit(key, c.val())) {
            return false;
          }
        } while (c.next());
        return true;
      } catch (LmdbException e) {
        throw failure("scan of " + table.name + " failed", e);
      }
    }

    public long count(Handle table) {
      try {
        return table.dbi.stat(txn).entries;
      } catch (LmdbException e) {
        throw failure("stat of " + table.name + " failed", e);
      }
    }

    /**
     * Ends the transaction, abandoning a write transaction's changes. Allowed from any thread: a
     * service closing at shutdown may not be on the thread that wrote.
     */
    @Override
    public void close() {
      txn.close();
    }
  }

  /** The one write transaction, with the bytes it has written so far (to commit before memory grows). */
  public final class Writer extends Reader {
    private final Thread owner = Thread.currentThread();
    private long written;

    Writer(Txn<byte[]> txn) {
      super(txn);
    }

    /** Key and value bytes put or deleted in this transaction: roughly the dirty pages it holds. */
    public long written() {
      return written;
    }

    public void put(Handle table, byte[] key, byte[] value) {
      owned();
      try {
        table.dbi.put(txn, key, value);
        written += key.length + value.length;
      } catch (LmdbException e) {
        throw failure("write to " + table.name + " failed", e);
      }
    }

    public boolean delete(Handle table, byte[] key) {
      owned();
      try {
        written += key.length;
        return table.dbi.delete(txn, key);
      } catch (LmdbException e) {
        throw failure("delete from " + table.name + " failed", e);
      }
    }

    /**
     * Deletes the entries with keys in {@code [from, to)} until this transaction has written more
     * than {@code budget} bytes: true when the range is empty, false when the budget stopped it.
     */
    public boolean deleteRange(Handle table, byte[] from, byte[] to, long budget) {
      return drain(table, null, from, to, budget);
    }

    /** Moves the entries with keys in {@code [from, to)} of {@code source} to {@code target}, as {@link #deleteRange}. */
    public boolean moveRange(Handle source, Handle target, byte[] from, byte[] to, long budget) {
      return drain(source, target, from, to, budget);
    }

    private boolean drain(Handle source, Handle target, byte[] from, byte[] to, long budget) {
      owned();
      try (Cursor<byte[]> c = source.dbi.openCursor(txn)) {
        // Seeking afresh after each delete rather than trusting where a deleting cursor stands.
        while (seek(c, from) && Arrays.compareUnsigned(c.key(), to) < 0) {
          if (written > budget) {
            return false;
          }
          byte[] key = c.key();
          byte[] value = c.val();
          if (target != null) {
            target.dbi.put(txn, key, value);
          }
          c.delete();
          written += key.length + value.length;
        }
        return true;
      } catch (LmdbException e) {
        throw failure((target == null ? "delete from " : "move to " + target.name + " from ") + source.name + " failed", e);
      }
    }

    /** Empties the table. */
    public void clear(Handle table) {
      owned();
      try {
        table.dbi.drop(txn);
      } catch (LmdbException e) {
        throw failure("clearing " + table.name + " failed", e);
      }
    }

    /** Commits; durable once {@link #sync} returns (at once when not durable and the process lives on). */
    public void commit() {
      owned();
      try {
        txn.commit();
      } catch (LmdbException e) {
        throw failure("commit failed", e);
      } finally {
        txn.close();
      }
    }

    private void owned() {
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException(dir + ": the write transaction begun on thread " + owner.getName()
            + " was used on " + Thread.currentThread().getName() + "; LMDB binds it to its thread");
      }
    }
  }
}
