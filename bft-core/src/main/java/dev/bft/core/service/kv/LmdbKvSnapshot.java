package dev.bft.core.service.kv;

import dev.bft.core.service.StateSnapshot;
import dev.bft.crypto.Digest;
import dev.bft.storage.LmdbTables;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The key-value state at a checkpoint: an LMDB read transaction, which sees the state as it was
 * committed whatever is written after, and a copy of the bucket leaves and sizes then.
 *
 * <p>A bucket's encoding is {@code [entries:8][encoded bytes:8][inner:32]} (the header, from which
 * with the tag the leaf digest is made, so a receiver checks it before taking an entry) then each
 * entry, in the order of the keys' names ({@link KvLayout}), as {@code [keyLen:4][key][valueLen:4][value]}.
 * A position names where a piece starts:
 * <ul>
 *   <li>empty: the bucket's start;
 *   <li>{@code [0][offset:4]}: inside the header, 0 < offset < 48;
 *   <li>{@code [1][offset:4][name]}: inside the entry of the key named {@code name}, 0 <= offset <
 *       its encoded size; a name rather than the key, as it is what LMDB seeks to, and a name is
 *       short (at most {@link KvLayout#LONGEST_PLAIN_KEY} bytes) however long the key.
 * </ul>
 * Resuming is a seek to the name, never a count from the bucket's start, and a value larger than a
 * piece is split across pieces. Reads are serialised (LMDB lets one thread at a time use a
 * transaction); {@link #close} from any thread ends the transaction, and a read after it yields null.
 */
final class LmdbKvSnapshot implements StateSnapshot {
  private static final byte IN_HEADER = 0;
  private static final byte IN_ENTRY = 1;

  private final LmdbTables.Handle data;
  /** The leaves table, whose records this transaction sees as they were at the checkpoint: the inner digests. */
  private final LmdbTables.Handle leafRecords;
  /** The leaf digests, concatenated (objects for 65 536 leaves would cost over twice as much per snapshot held). */
  private final byte[] leaves;
  private final int leafCount;
  private final long[] entries;
  private final long[] bytes;
  private final Consumer<LmdbKvSnapshot> onClose;
  private LmdbTables.Reader reader;

  LmdbKvSnapshot(LmdbTables.Reader reader, LmdbTables.Handle data, LmdbTables.Handle leafRecords, byte[] leaves,
      long[] entries, long[] bytes, Consumer<LmdbKvSnapshot> onClose) {
    this.reader = reader;
    this.data = data;
    this.leafRecords = leafRecords;
    this.leaves = leaves;
    this.leafCount = leaves.length / Digest.SIZE;
    this.entries = entries;
    this.bytes = bytes;
    this.onClose = onClose;
  }

  @Override
  public Digest[] chunkDigests() {
    return dev.bft.core.service.IncrementalMerkleTree.digests(leaves);
  }

  @Override
  public synchronized Piece read(int chunk, byte[] position, int maxBytes) {
    if (reader == null || chunk < 0 || chunk >= leafCount || position == null || maxBytes < 1
        || position.length > MAX_POSITION_BYTES) {
      return null;
    }
    ByteBuffer p = ByteBuffer.wrap(position);
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, 1 << 16));
    if (position.length == 0 || position[0] == IN_HEADER) {
      int offset = position.length == 0 ? 0 : position.length == 5 ? p.position(1).getInt() : -1;
      if (offset < 0 || offset >= KvLayout.HEADER_BYTES || (position.length > 0 && offset == 0)) {
        return null;
      }
      int n = Math.min(maxBytes, KvLayout.HEADER_BYTES - offset);
      out.write(header(chunk), offset, n);
      if (offset + n < KvLayout.HEADER_BYTES) {
        return new Piece(out.toByteArray(), ByteBuffer.allocate(5).put(IN_HEADER).putInt(offset + n).array());
      }
      return entriesFrom(chunk, KvLayout.bucketStart(chunk), null, 0, maxBytes - n, out);
    }
    if (position[0] != IN_ENTRY || position.length < 5 || position.length - 5 > KvLayout.LONGEST_PLAIN_KEY) {
      return null;
    }
    int offset = p.position(1).getInt();
    byte[] name = Arrays.copyOfRange(position, 5, position.length);
    return offset < 0 ? null : entriesFrom(chunk, KvLayout.storedName(chunk, name), name, offset, maxBytes, out);
  }

  /**
   * Continues {@code out} with the bucket's entries from {@code from}, the first at {@code offset}:
   * when {@code name} is not null the first entry must be that name's (a position a peer sent).
   */
  private Piece entriesFrom(int chunk, byte[] from, byte[] name, int offset, int budget, ByteArrayOutputStream out) {
    byte[][] next = new byte[1][];
    boolean[] valid = {true};
    int[] room = {budget};
    int[] skip = {offset};
    boolean[] first = {true};
    reader.scan(data, from, KvLayout.bucketEnd(chunk), (storedKey, record) -> {
      byte[] k = KvLayout.nameOf(storedKey);
      KvLayout.Entry e = KvLayout.entry(storedKey, record);
      byte[] entry = KvLayout.encodeEntry(e.key(), e.value());
      if (first[0] && ((name != null && !Arrays.equals(k, name)) || skip[0] >= entry.length)) {
        valid[0] = false;
        return false;
      }
      first[0] = false;
      if (room[0] == 0) {
        next[0] = entryPosition(k, skip[0]);
        return false;
      }
      int n = Math.min(room[0], entry.length - skip[0]);
      out.write(entry, skip[0], n);
      room[0] -= n;
      if (skip[0] + n < entry.length) {
        next[0] = entryPosition(k, skip[0] + n);
        return false;
      }
      skip[0] = 0;
      return true;
    });
    if (!valid[0] || (name != null && first[0])) {
      // The named key is not in the bucket, or the offset lies beyond its entry.
      return null;
    }
    return new Piece(out.toByteArray(), next[0]);
  }

  /** The bucket's header, its inner digest from the leaf record committed with the checkpoint (none: empty). */
  private byte[] header(int chunk) {
    byte[] record = reader.get(leafRecords, KvLayout.int4(chunk));
    Digest inner = record == null ? KvLayout.EMPTY_INNER
        : Digest.of(Arrays.copyOfRange(record, KvLayout.LEAF_RECORD_BYTES - Digest.SIZE, KvLayout.LEAF_RECORD_BYTES));
    assert record != null || entries[chunk] == 0 : "bucket " + chunk + " has entries but no leaf record";
    return KvLayout.header(entries[chunk], bytes[chunk], inner);
  }

  private static byte[] entryPosition(byte[] name, int offset) {
    return ByteBuffer.allocate(5 + name.length).put(IN_ENTRY).putInt(offset).put(name).array();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (reader == null) {
        return;
      }
      reader.close();
      reader = null;
    }
    onClose.accept(this);
  }
}
