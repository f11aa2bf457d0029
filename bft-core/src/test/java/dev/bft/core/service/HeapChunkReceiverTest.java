package dev.bft.core.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.crypto.Digest;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A heap chunk's receiver checks the head (length and slice digests) against the proven digest
 * before it takes content, and each slice as it completes: a liar makes it hold at most one
 * unchecked slice, never what it declares.
 */
class HeapChunkReceiverTest {
  private static final int SLICE = ChunkPieces.SLICE_BYTES;

  private static byte[] content(int length, long seed) {
    byte[] c = new byte[length];
    new Random(seed).nextBytes(c);
    return c;
  }

  /** The chunk's encoding as a snapshot serves it, read whole. */
  private static byte[] encoding(byte[] content) {
    ByteChunkSnapshot snapshot = new ByteChunkSnapshot() {
      @Override
      public byte[] chunk(int c) {
        return content;
      }

      @Override
      public Digest[] chunkDigests() {
        return new Digest[] {ByteChunkService.chunkDigest(content)};
      }
    };
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] position = new byte[0];
    while (position != null) {
      StateSnapshot.Piece p = snapshot.read(0, position, 100_000);
      out.writeBytes(p.bytes());
      position = p.next();
    }
    return out.toByteArray();
  }

  private static boolean feed(ChunkReceiver r, byte[] bytes, int size) {
    for (int i = 0; i < bytes.length; i += size) {
      if (!r.accept(Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + size)))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void honestChunksOfEverySizeArriveInAnyPiecesWithTheirDigest() {
    for (int length : new int[] {0, 1, 1000, SLICE, SLICE + 1, 2 * SLICE + SLICE / 2}) {
      byte[] content = content(length, length);
      Digest proven = ByteChunkService.chunkDigest(content);
      byte[] encoding = encoding(content);
      assertThat(encoding).hasSize(ChunkPieces.chunkHeadBytes(length) + length);
      for (int piece : new int[] {1 << 20, 65_537, 7}) {
        if (piece == 7 && length > SLICE) {
          continue; // byte by byte is slow, and the slice edges are covered by the sizes above
        }
        HeapChunkReceiver r = new HeapChunkReceiver(0, proven);
        assertThat(feed(r, encoding, piece)).as("%d bytes in pieces of %d", length, piece).isTrue();
        assertThat(r.finish()).isEqualTo(proven);
        assertThat(r.content()).isEqualTo(content);
      }
    }
  }

  /** The attack: 2 GiB declared, then junk. Refused at the first piece, nothing held; before, it took up to 2 GiB. */
  @Test
  void aHeadDeclaringMoreThanTheProvenChunkIsRefusedAtTheFirstPiece() {
    byte[] content = content(1000, 1);
    Digest proven = ByteChunkService.chunkDigest(content);
    byte[] honestHead = ChunkPieces.chunkHead(content);
    byte[] huge = new byte[SLICE];
    Arrays.fill(huge, (byte) 0x55);
    ByteBuffer.wrap(huge).putLong(ByteChunkService.MAX_CHUNK_BYTES);
    // One slice more than the honest chunk: K and the slice digests no longer make the proven digest.
    byte[] oneSliceMore = new byte[SLICE];
    ByteBuffer.wrap(oneSliceMore).putLong(SLICE + 1).put(honestHead, 8, Digest.SIZE);
    // The largest length counts its 2048 slices: in int arithmetic it wrapped and counted one.
    assertThat(ChunkPieces.pieceCount((int) ByteChunkService.MAX_CHUNK_BYTES)).isEqualTo(ChunkPieces.MAX_PIECES);
    for (byte[] lie : new byte[][] {huge, oneSliceMore}) {
      HeapChunkReceiver r = new HeapChunkReceiver(0, proven);
      assertThat(r.accept(lie)).isFalse();
      assertThat(r.held()).isZero();
      assertThat(r.accept(new byte[1])).as("spoilt stays spoilt").isFalse();
      assertThat(r.finish()).isNull();
    }
  }

  /**
   * A length within the proven slice count passes the head (the length itself is committed only
   * through the last slice's digest), but the slice is refused as it completes: at most one slice
   * is ever held unchecked.
   */
  @Test
  void aLongerLengthWithinTheSlicesAndGarbageAreRefusedWhenTheirSliceEnds() {
    byte[] content = content(1000, 2);
    Digest proven = ByteChunkService.chunkDigest(content);
    byte[] lie = encoding(content);
    ByteBuffer.wrap(lie).putLong(SLICE);
    lie = Arrays.copyOf(lie, ChunkPieces.chunkHeadBytes(SLICE) + SLICE);
    HeapChunkReceiver longer = new HeapChunkReceiver(0, proven);
    assertThat(feed(longer, lie, 4096)).isFalse();
    assertThat(longer.held()).isLessThanOrEqualTo(SLICE);

    byte[] big = content(2 * SLICE + 10, 3);
    byte[] flipped = encoding(big);
    flipped[ChunkPieces.chunkHeadBytes(big.length) + 5] ^= 1;
    HeapChunkReceiver garbage = new HeapChunkReceiver(0, ByteChunkService.chunkDigest(big));
    assertThat(garbage.accept(Arrays.copyOf(flipped, ChunkPieces.chunkHeadBytes(big.length) + SLICE))).isFalse();
    assertThat(garbage.held()).isEqualTo(SLICE);

    HeapChunkReceiver beyond = new HeapChunkReceiver(0, proven);
    byte[] honest = encoding(content);
    assertThat(beyond.accept(Arrays.copyOf(honest, honest.length + 1))).as("a byte past the end").isFalse();
    assertThat(beyond.finish()).isNull();

    HeapChunkReceiver cut = new HeapChunkReceiver(0, proven);
    assertThat(cut.accept(Arrays.copyOf(honest, honest.length - 1))).isTrue();
    assertThat(cut.finish()).as("cut short").isNull();
  }
}
