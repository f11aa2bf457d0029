package dev.bft.core.service;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * What put, get, delete and compare-and-set mean, once, for every store of the key-value service
 * (the heap's buckets, LMDB): a store only gets, puts and deletes.
 */
public final class KvRules {
  /** Where the key-value state lives. */
  public interface Store {
    /** The value of {@code key}, or null. */
    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);
  }

  private KvRules() {}

  /** The result of {@code op} against {@code store}, which it changes if it writes. */
  public static KvResult apply(KvOperation op, Store store) {
    if (op instanceof KvOperation.Get g) {
      byte[] v = store.get(g.key());
      return v == null ? KvResult.ABSENT : KvResult.value(v);
    } else if (op instanceof KvOperation.Put p) {
      store.put(p.key(), p.value());
      return KvResult.OK;
    } else if (op instanceof KvOperation.Delete d) {
      store.delete(d.key());
      return KvResult.OK;
    }
    KvOperation.Cas c = (KvOperation.Cas) op;
    byte[] current = store.get(c.key());
    boolean matches = c.expected() == null ? current == null : current != null && Arrays.equals(current, c.expected());
    if (!matches) {
      return KvResult.casFailed(current);
    }
    store.put(c.key(), c.newValue());
    return KvResult.OK;
  }

  /** A read-only request's result: an error for bytes that are no operation or an operation that writes. */
  public static byte[] readOnly(byte[] operation, int maxKey, int maxValue, Store store) {
    KvOperation op = KvOperation.decode(operation, maxKey, maxValue);
    if (op == null) {
      return refused(operation, maxKey);
    }
    if (!op.readOnly()) {
      return KvResult.error("not a read-only key-value operation").encode();
    }
    return apply(op, store).encode();
  }

  /**
   * The error result for bytes that {@link KvOperation#decode} refused: one that names the sizes
   * when the key is too long, as a client that moved from a service taking longer keys would see.
   */
  public static byte[] refused(byte[] operation, int maxKey) {
    if (operation.length >= 5 && operation[0] >= KvOperation.PUT && operation[0] <= KvOperation.CAS) {
      int length = ByteBuffer.wrap(operation, 1, 4).getInt();
      if (length > maxKey) {
        return KvResult.error("a key of " + length + " bytes is longer than the " + maxKey
            + " this service takes").encode();
      }
    }
    return KvResult.error("not a key-value operation").encode();
  }
}
