package dev.bft.core.service.kv;

import dev.bft.core.service.ChunkReceiver;
import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * A bucket arriving by state transfer, parsed as its pieces come (they may cut anywhere, even
 * inside a length) and staged entry by entry in LMDB, so that only the entry being parsed is in
 * the heap however large the bucket. Every count and length is held to the header's declarations
 * and to the service's bounds before anything is allocated for it: the sender may lie.
 *
 * <p>The header (entries, encoded bytes, inner digest) must make the proven leaf before any entry
 * is taken. The declarations are then the honest bucket's, so a lying sender can make this
 * receiver stage at most the bucket's real size, never fill the disk or the LMDB map with bytes
 * that only the digest at the end would have refused; entries that do not make the declared inner
 * digest are refused at {@link #finish}, and {@link #discard} drops what they staged.
 */
final class LmdbChunkReceiver implements ChunkReceiver {
  private enum Field { HEADER, KEY_LENGTH, KEY, VALUE_LENGTH, VALUE, END }

  private final LmdbKeyValueService service;
  private final int chunk;
  private final Digest proven;
  private final int maxKey;
  private final int maxValue;
  private Field field = Field.HEADER;
  /** Where the field being parsed goes, and how much of it has arrived. */
  private byte[] buffer = new byte[KvLayout.HEADER_BYTES];
  private int filled;
  private long declaredEntries;
  private long declaredBytes;
  private long entries;
  /** Bytes of entries parsed so far: never beyond {@link #declaredBytes}. */
  private long entryBytes;
  private byte[] key;
  private byte[] value;
  /** The previous entry's key's name: a bucket's entries come in the order of their names. */
  private byte[] previousName;
  private Digest declaredInner;
  private MessageDigest inner;
  private boolean spoilt;
  private boolean dead;
  private Digest digest;
  /** The most bytes of entry this receiver held at once: one entry, by construction; tests check it. */
  private long largestHeld;

  LmdbChunkReceiver(LmdbKeyValueService service, int chunk, Digest proven, int maxKey, int maxValue) {
    this.service = service;
    this.chunk = chunk;
    this.proven = proven;
    this.maxKey = maxKey;
    this.maxValue = maxValue;
  }

  @Override
  public int chunk() {
    return chunk;
  }

  @Override
  public boolean accept(byte[] piece) {
    if (spoilt || dead || digest != null) {
      return false;
    }
    int p = 0;
    while (p < piece.length) {
      if (field == Field.END) {
        return spoil();
      }
      int n = Math.min(buffer.length - filled, piece.length - p);
      if (field != Field.HEADER) {
        if (entryBytes + n > declaredBytes) {
          return spoil();
        }
        entryBytes += n;
      }
      System.arraycopy(piece, p, buffer, filled, n);
      filled += n;
      p += n;
      if (filled == buffer.length && !complete()) {
        return spoil();
      }
    }
    return true;
  }

  /** The field in {@link #buffer} is whole: checks it and moves on; false when the bytes cannot be a bucket. */
  private boolean complete() {
    ByteBuffer b = ByteBuffer.wrap(buffer);
    switch (field) {
      case HEADER -> {
        declaredEntries = b.getLong();
        declaredBytes = b.getLong();
        byte[] innerBytes = new byte[Digest.SIZE];
        b.get(innerBytes);
        declaredInner = Digest.of(innerBytes);
        if (declaredEntries < 0 || declaredBytes < 0 || declaredEntries > declaredBytes / 8
            || (declaredEntries == 0) != (declaredBytes == 0)
            || !KvLayout.leafDigest(declaredEntries, declaredBytes, declaredInner).equals(proven)) {
          return false;
        }
        inner = KvLayout.innerDigest();
        return declaredEntries == 0 ? expect(Field.END, 0) : expect(Field.KEY_LENGTH, 4);
      }
      case KEY_LENGTH -> {
        int length = b.getInt();
        // The key and the value length must still fit what the header declared.
        if (length < 0 || length > maxKey || entryBytes + length + 4 > declaredBytes) {
          return false;
        }
        return expect(Field.KEY, length);
      }
      case KEY -> {
        key = buffer;
        byte[] name = KvLayout.name(key);
        if ((previousName != null && Arrays.compareUnsigned(previousName, name) >= 0)
            || KvLayout.bucketOf(key, service.chunkCount()) != chunk) {
          return false;
        }
        previousName = name;
        return expect(Field.VALUE_LENGTH, 4);
      }
      case VALUE_LENGTH -> {
        int length = b.getInt();
        if (length < 0 || length > maxValue || entryBytes + length > declaredBytes) {
          return false;
        }
        return expect(Field.VALUE, length);
      }
      case VALUE -> {
        value = buffer;
        largestHeld = Math.max(largestHeld, (long) key.length + value.length);
        byte[] entryHash = KvLayout.entryHash(key, value);
        service.stage(chunk, key, value, entryHash);
        inner.update(entryHash);
        entries++;
        key = null;
        value = null;
        boolean more = entries < declaredEntries;
        // The declared entries and bytes must run out together.
        if (more == (entryBytes == declaredBytes)) {
          return false;
        }
        return more ? expect(Field.KEY_LENGTH, 4) : expect(Field.END, 0);
      }
      default -> throw new IllegalStateException("chunk " + chunk + ": no field follows the end");
    }
  }

  /** The next field is {@code length} bytes of {@code next}; one of none is complete at once. */
  private boolean expect(Field next, int length) {
    field = next;
    buffer = new byte[length];
    filled = 0;
    return length > 0 || next == Field.END || complete();
  }

  private boolean spoil() {
    spoilt = true;
    return false;
  }

  @Override
  public Digest finish() {
    if (spoilt || dead || field != Field.END) {
      return null;
    }
    if (digest == null) {
      // Only the entries are left unchecked: the header already made the proven leaf.
      if (!Digest.of(inner.digest()).equals(declaredInner)) {
        spoilt = true;
        return null;
      }
      digest = proven;
    }
    return digest;
  }

  @Override
  public void discard() {
    if (!dead) {
      dead = true;
      service.discarded(this);
    }
  }

  /** A newer receiver of the same chunk took over its staging: this one can no longer finish or install. */
  void supersede() {
    dead = true;
  }

  /** Finished whole, with the digest {@link #finish} gave, and not discarded: installable. */
  boolean installable() {
    return digest != null && !dead;
  }

  Digest digest() {
    return digest;
  }

  long entries() {
    return declaredEntries;
  }

  long encodedBytes() {
    return declaredBytes;
  }

  Digest inner() {
    return declaredInner;
  }

  long largestHeld() {
    return largestHeld;
  }
}
