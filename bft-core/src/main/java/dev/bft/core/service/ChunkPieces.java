package dev.bft.core.service;

import dev.bft.crypto.Digest;
import dev.bft.crypto.Digests;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * How the client table travels in manifest pages that each fit one STATE frame, every piece
 * verifiable as it arrives; and the digest of a heap service's chunk content
 * ({@link ByteChunkService#chunkDigest}), whose slice digests lead a heap chunk's encoding
 * ({@link #chunkHead}) although the chunk streams by position ({@link StateSnapshot#read}). The
 * content is cut into slices of
 * {@link #SLICE_BYTES}; piece 0 is {@code [K:4][K x slice digest][slice 0]} and piece k > 0 is
 * slice k alone. The content's digest commits to K and the slice digests, so piece 0 is checked
 * against that digest and every later piece against its slice digest from piece 0.
 *
 * <p>Why: the client table grows with the clients, so it has no size bound below the 4 MiB frame
 * limit; cut this way, a correct replica's table always transfers, and a peer cannot make the
 * receiver hold unverified bytes.
 */
public final class ChunkPieces {
  /** At most 1 MiB + 4 + 2 048 x 32 bytes per piece: well under the 4 MiB chunk limit of the wire. */
  public static final int SLICE_BYTES = 1 << 20;
  /** A Java array holds under 2 GiB, so no content has more slices than this. */
  public static final int MAX_PIECES = 2048;
  private static final byte[] SLICE_TAG = {'P'};

  private ChunkPieces() {}

  /** The head of a content's piece 0, as a receiver parses it. */
  public record Head(int pieces, Digest[] sliceDigests, byte[] firstSlice) {
    /** The digest of the content these pieces make up. */
    public Digest contentDigest() {
      return digest(sliceDigests);
    }
  }

  public static int pieceCount(int contentLength) {
    // In long: within a slice of 2^31 the sum would wrap negative, and a declared length there count as one slice.
    return (int) Math.max(1, ((long) contentLength + SLICE_BYTES - 1) / SLICE_BYTES);
  }

  /** The digest of {@code content} as its pieces prove it. */
  public static Digest contentDigest(byte[] content) {
    return digest(sliceDigests(content));
  }

  /**
   * The head of a heap chunk's encoding, {@code [content length:8][K x slice digest]} with K =
   * {@link #pieceCount}: what the content's digest is made of, so a receiver checks it against the
   * proven digest before it takes a byte of content, then each slice as it completes. A peer that
   * declares a longer content than the honest one is caught at the head (K and the digests would
   * not hash to the proven digest), and one that sends other bytes at the end of a slice.
   */
  public static byte[] chunkHead(byte[] content) {
    Digest[] slices = sliceDigests(content);
    ByteBuffer b = ByteBuffer.allocate(chunkHeadBytes(content.length)).putLong(content.length);
    for (Digest d : slices) {
      b.put(d.bytesUnsafe());
    }
    return b.array();
  }

  /** The length of {@link #chunkHead} for a content of {@code contentLength} bytes. */
  public static int chunkHeadBytes(int contentLength) {
    return 8 + pieceCount(contentLength) * Digest.SIZE;
  }

  /** Piece {@code k} of {@code content}, or null when it has fewer pieces. */
  public static byte[] piece(byte[] content, int k) {
    int pieces = pieceCount(content.length);
    if (k < 0 || k >= pieces) {
      return null;
    }
    byte[] slice = slice(content, k);
    if (k > 0) {
      return slice;
    }
    return withDigests(sliceDigests(content), slice);
  }

  /** Parses piece 0, or null if the bytes are not one (a Byzantine peer). */
  public static Head parseHead(byte[] piece) {
    Digested d = digested(piece, 1, MAX_PIECES);
    if (d == null || !sliceDigest(d.rest()).equals(d.digests()[0])) {
      return null;
    }
    return new Head(d.digests().length, d.digests(), d.rest());
  }

  /** Digests and the bytes after them, as {@link #withDigests} lays them out. */
  public record Digested(Digest[] digests, byte[] rest) {}

  /** {@code [count:4][count x 32-byte digest][rest]}: the layout of piece 0 and of manifest page 0. */
  public static byte[] withDigests(Digest[] digests, byte[] rest) {
    ByteBuffer b = ByteBuffer.allocate(4 + digests.length * Digest.SIZE + rest.length).putInt(digests.length);
    for (Digest d : digests) {
      b.put(d.bytesUnsafe());
    }
    return b.put(rest).array();
  }

  /**
   * The digests and rest of {@link #withDigests}'s layout, or null if the bytes are not one: the
   * count must lie in {@code [min, max]} and fit the bytes present, so no peer's count allocates.
   */
  public static Digested digested(byte[] bytes, int min, int max) {
    if (bytes.length < 4) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int count = b.getInt();
    if (count < min || count > max || count > (bytes.length - 4) / Digest.SIZE) {
      return null;
    }
    Digest[] digests = new Digest[count];
    for (int i = 0; i < count; i++) {
      byte[] d = new byte[Digest.SIZE];
      b.get(d);
      digests[i] = Digest.of(d);
    }
    return new Digested(digests, Arrays.copyOfRange(bytes, b.position(), bytes.length));
  }

  public static Digest sliceDigest(byte[] slice) {
    return Digest.sha256(SLICE_TAG, slice);
  }

  /** {@link #sliceDigest} of the bytes it is then fed, for a slice that arrives in parts. */
  static MessageDigest sliceDigester() {
    MessageDigest md = Digests.newSha256();
    md.update(SLICE_TAG);
    return md;
  }

  private static byte[] slice(byte[] content, int k) {
    return Arrays.copyOfRange(content, k * SLICE_BYTES, Math.min(content.length, (k + 1) * SLICE_BYTES));
  }

  private static Digest[] sliceDigests(byte[] content) {
    Digest[] d = new Digest[pieceCount(content.length)];
    for (int k = 0; k < d.length; k++) {
      int from = k * SLICE_BYTES;
      d[k] = Digest.sha256(SLICE_TAG, Arrays.copyOfRange(content, from, Math.min(content.length, from + SLICE_BYTES)));
    }
    return d;
  }

  /** The digest of a content whose slices have these digests. */
  static Digest digest(Digest[] sliceDigests) {
    ByteBuffer b = ByteBuffer.allocate(4 + sliceDigests.length * Digest.SIZE).putInt(sliceDigests.length);
    for (Digest d : sliceDigests) {
      b.put(d.bytesUnsafe());
    }
    return Digest.sha256(new byte[] {'L'}, b.array());
  }

  /** Collects the verified slices of one content until it is whole. */
  public static final class Assembly {
    private final Head head;
    private final byte[][] slices;
    private int missing;

    public Assembly(Head head) {
      this.head = head;
      this.slices = new byte[head.pieces()][];
      this.slices[0] = head.firstSlice();
      this.missing = head.pieces() - 1;
    }

    /** Adds piece {@code k}; false when it is not the slice piece 0 promised (a Byzantine peer). */
    public boolean add(int k, byte[] piece) {
      if (k < 1 || k >= slices.length || !sliceDigest(piece).equals(head.sliceDigests()[k])) {
        return false;
      }
      if (slices[k] == null) {
        slices[k] = piece;
        missing--;
      }
      return true;
    }

    public boolean has(int k) {
      return k >= 0 && k < slices.length && slices[k] != null;
    }

    public int pieces() {
      return slices.length;
    }

    public boolean complete() {
      return missing == 0;
    }

    public byte[] content() {
      int length = 0;
      for (byte[] s : slices) {
        length += s.length;
      }
      ByteBuffer b = ByteBuffer.allocate(length);
      for (byte[] s : slices) {
        b.put(s);
      }
      return b.array();
    }
  }
}
