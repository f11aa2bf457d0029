package dev.bft.core.protocol;

import dev.bft.core.message.Reply;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.NavigableMap;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Exactly-once: per client, the number of the last executed request and its reply. It is part of
 * the checkpointed state (its encoding is deterministic: ordered by client id), or a replica
 * restored from a checkpoint would execute a retried request twice.
 */
public final class ClientTable {
  /** The last request executed for a client and what it returned. */
  public record Entry(long requestNumber, Reply reply) {}

  /** What to do with an incoming request number. */
  public enum Verdict { NEW, LAST_EXECUTED, STALE }

  private final NavigableMap<Integer, Entry> entries = new TreeMap<>();

  public Verdict classify(int clientId, long requestNumber) {
    Entry e = entries.get(clientId);
    if (e == null || requestNumber > e.requestNumber()) {
      return Verdict.NEW;
    }
    return requestNumber == e.requestNumber() ? Verdict.LAST_EXECUTED : Verdict.STALE;
  }

  public Entry get(int clientId) {
    return entries.get(clientId);
  }

  void record(int clientId, long requestNumber, Reply reply) {
    if (reply.digestOnly()) {
      // A retransmitted request is answered from here in full; a digest here would leave a client
      // whose designated replier failed with nobody to send it the result.
      throw new IllegalArgumentException("client " + clientId + " request " + requestNumber
          + ": the client table keeps results, not their digests");
    }
    entries.put(clientId, new Entry(requestNumber, reply));
  }

  /** An independent copy, as durable storage would hold it. */
  public ClientTable copy() {
    ClientTable c = new ClientTable();
    c.entries.putAll(entries);
    return c;
  }

  /** Every client's last executed request, by client id. */
  public Map<Integer, Entry> entries() {
    return java.util.Collections.unmodifiableMap(entries);
  }

  public int size() {
    return entries.size();
  }

  /** Bytes of an entry besides its result: client id, request number, result length. */
  private static final int ENTRY_HEADER = 4 + 8 + 4;

  /**
   * Rebuilds a table from {@link #encode()}; the cached replies are re-signed as from {@code replica}
   * in {@code view} when they are sent again. Throws IllegalArgumentException on bytes that are not
   * a table. The bytes may come from a Byzantine peer (a state manifest): every count and length is
   * held to the bytes actually present before anything is allocated for it.
   */
  public static ClientTable decode(byte[] bytes, long view, int replica) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    if (b.remaining() < 4) {
      throw new IllegalArgumentException("not a client table: " + bytes.length + " bytes");
    }
    int count = b.getInt();
    if (count < 0 || count > b.remaining() / ENTRY_HEADER) {
      throw new IllegalArgumentException("not a client table: " + Integer.toUnsignedString(count)
          + " entries claimed in " + b.remaining() + " bytes");
    }
    ClientTable t = new ClientTable();
    for (int i = 0; i < count; i++) {
      if (b.remaining() < ENTRY_HEADER) {
        throw new IllegalArgumentException("not a client table: entry " + i + " is cut short");
      }
      int client = b.getInt();
      if (i > 0 && client <= t.entries.lastKey()) {
        // encode() writes ascending ids; another order would be a second encoding of one table.
        throw new IllegalArgumentException("not a client table: client " + client + " after " + t.entries.lastKey());
      }
      long number = b.getLong();
      int length = b.getInt();
      if (length < 0 || length > b.remaining()) {
        throw new IllegalArgumentException("not a client table: entry " + i + " claims a result of "
            + Integer.toUnsignedString(length) + " bytes, " + b.remaining() + " remain");
      }
      byte[] result = new byte[length];
      b.get(result);
      t.record(client, number, new Reply(view, client, number, result, replica, null));
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException("not a client table: " + b.remaining() + " trailing bytes");
    }
    return t;
  }

  /**
   * One client's entry as it stands in the table's encoding after the client id: request number,
   * result length, result. A service that stores its own state keeps the table this way, entry by
   * entry ({@link dev.bft.core.service.DurableState#clientEntry}).
   */
  public static byte[] encodeEntry(Entry e) {
    byte[] result = e.reply().result();
    return ByteBuffer.allocate(ENTRY_HEADER - 4 + result.length).putLong(e.requestNumber()).putInt(result.length)
        .put(result).array();
  }

  /** Every entry by client id, each as {@link #encodeEntry}: what state transfer hands a service to store. */
  public SortedMap<Integer, byte[]> encodedEntries() {
    SortedMap<Integer, byte[]> encoded = new TreeMap<>();
    entries.forEach((client, e) -> encoded.put(client, encodeEntry(e)));
    return encoded;
  }

  /**
   * The table of these {@link #encodeEntry} encodings: equal to {@link #decode} of the whole table's
   * {@link #encode()}, so its checkpoint digest is the same. The entries come from this replica's own
   * storage, so an entry that is not one is a bug or a damaged store: IllegalArgumentException.
   */
  public static ClientTable fromEntries(SortedMap<Integer, byte[]> encoded, long view, int replica) {
    ClientTable t = new ClientTable();
    encoded.forEach((client, bytes) -> {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (b.remaining() < ENTRY_HEADER - 4) {
        throw new IllegalArgumentException("client " + client + "'s entry is " + bytes.length + " bytes, too short");
      }
      long number = b.getLong();
      int length = b.getInt();
      if (length != b.remaining()) {
        throw new IllegalArgumentException("client " + client + "'s entry claims a result of "
            + Integer.toUnsignedString(length) + " bytes and holds " + b.remaining());
      }
      byte[] result = new byte[length];
      b.get(result);
      t.record(client, number, new Reply(view, client, number, result, replica, null));
    });
    return t;
  }

  /** Deterministic bytes of the table for the checkpoint digest: client id, request number, result. */
  public byte[] encode() {
    int size = 4;
    for (Entry e : entries.values()) {
      size += 4 + 8 + 4 + e.reply().result().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).putInt(entries.size());
    for (Map.Entry<Integer, Entry> e : entries.entrySet()) {
      byte[] result = e.getValue().reply().result();
      b.putInt(e.getKey()).putLong(e.getValue().requestNumber()).putInt(result.length).put(result);
    }
    return b.array();
  }
}
