package dev.bft.core.service;

import dev.bft.crypto.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Receives a chunk of a {@link ByteChunkService} into the heap: the head of its encoding
 * ({@link ChunkPieces#chunkHead}: length and slice digests), checked against the proven digest
 * before any content is taken, then the content, each slice checked as it completes. So a lying
 * peer makes it hold at most one unchecked slice ({@link ChunkPieces#SLICE_BYTES}) and never more
 * than the honest chunk's slices: before the head was checked, a peer could declare 2 GiB and
 * stream garbage into the heap until the replica ran out of memory.
 */
final class HeapChunkReceiver implements ChunkReceiver {
  private final int chunk;
  private final Digest proven;
  private final byte[] lengthField = new byte[8];
  private int lengthFilled;
  private long length = -1;
  /** The slice digests as they arrive; sized by a declared length already held to the bound. */
  private byte[] digestField;
  private int digestsFilled;
  /** Set once the head made the proven digest. */
  private Digest[] sliceDigests;
  private ByteArrayOutputStream content;
  private MessageDigest slice;
  private int sliceFilled;
  private int slicesChecked;
  private boolean spoilt;

  HeapChunkReceiver(int chunk, Digest proven) {
    this.chunk = chunk;
    this.proven = proven;
  }

  @Override
  public int chunk() {
    return chunk;
  }

  @Override
  public boolean accept(byte[] piece) {
    int at = 0;
    while (!spoilt && at < piece.length) {
      if (length < 0) {
        at = takeLength(piece, at);
      } else if (sliceDigests == null) {
        at = takeDigests(piece, at);
      } else {
        at = takeContent(piece, at);
      }
    }
    return !spoilt;
  }

  private int takeLength(byte[] piece, int at) {
    int n = Math.min(8 - lengthFilled, piece.length - at);
    System.arraycopy(piece, at, lengthField, lengthFilled, n);
    lengthFilled += n;
    if (lengthFilled == 8) {
      length = ByteBuffer.wrap(lengthField).getLong();
      if (length < 0 || length > ByteChunkService.MAX_CHUNK_BYTES) {
        spoilt = true;
      } else {
        digestField = new byte[ChunkPieces.chunkHeadBytes((int) length) - 8];
      }
    }
    return at + n;
  }

  private int takeDigests(byte[] piece, int at) {
    int n = Math.min(digestField.length - digestsFilled, piece.length - at);
    System.arraycopy(piece, at, digestField, digestsFilled, n);
    digestsFilled += n;
    if (digestsFilled == digestField.length) {
      Digest[] d = new Digest[digestField.length / Digest.SIZE];
      ByteBuffer b = ByteBuffer.wrap(digestField);
      for (int i = 0; i < d.length; i++) {
        byte[] one = new byte[Digest.SIZE];
        b.get(one);
        d[i] = Digest.of(one);
      }
      digestField = null;
      if (!ChunkPieces.digest(d).equals(proven)) {
        spoilt = true;
        return at + n;
      }
      sliceDigests = d;
      // Grown as bytes arrive, not allocated by the declared length: it is checked only slice by slice.
      content = new ByteArrayOutputStream((int) Math.min(length, 1 << 16));
      slice = ChunkPieces.sliceDigester();
      if (length == 0) {
        sliceEnds();
      }
    }
    return at + n;
  }

  private int takeContent(byte[] piece, int at) {
    long left = length - content.size();
    int n = (int) Math.min(piece.length - at, Math.min(left, ChunkPieces.SLICE_BYTES - sliceFilled));
    if (n == 0) {
      spoilt = true; // past the declared end
      return at;
    }
    content.write(piece, at, n);
    slice.update(piece, at, n);
    sliceFilled += n;
    if (sliceFilled == ChunkPieces.SLICE_BYTES || content.size() == length) {
      sliceEnds();
    }
    return at + n;
  }

  private void sliceEnds() {
    if (!Digest.of(slice.digest()).equals(sliceDigests[slicesChecked++])) {
      spoilt = true;
    }
    slice = ChunkPieces.sliceDigester();
    sliceFilled = 0;
  }

  @Override
  public Digest finish() {
    if (spoilt || sliceDigests == null || content.size() != length) {
      return null;
    }
    assert slicesChecked == sliceDigests.length : "chunk " + chunk + ": " + slicesChecked + " of "
        + sliceDigests.length + " slices checked at its declared end";
    return proven;
  }

  /** The content received, once {@link #finish} gave the proven digest. */
  byte[] content() {
    return content.toByteArray();
  }

  /** Bytes of content held now (for tests: what a liar made it hold). */
  long held() {
    return content == null ? 0 : content.size();
  }

  @Override
  public void discard() {
    content = null;
    digestField = null;
    spoilt = true;
  }
}
