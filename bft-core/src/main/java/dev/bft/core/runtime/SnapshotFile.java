package dev.bft.core.runtime;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.message.codec.DecodeResult;
import dev.bft.core.message.codec.MessageDecoder;
import dev.bft.core.protocol.CheckpointProofs;
import dev.bft.core.protocol.Quorum;
import dev.bft.core.protocol.StateDigests;
import dev.bft.core.service.ChunkPieces;
import dev.bft.core.service.MerkleTree;
import dev.bft.core.service.StateSnapshot;
import dev.bft.core.statetransfer.ServedState;
import dev.bft.crypto.Digest;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stable checkpoint's state as one file, for seeding a replica without a network transfer
 * ({@code bft snapshot export/import}). The file proves itself: it carries the 2f + 1 signed
 * CHECKPOINTs of its sequence number, the client table and every chunk digest, whose Merkle root
 * with the table's digest is the proven state digest, and then each chunk's encoding in the pieces
 * a snapshot reads. Whoever hands the file over need not be trusted: the proof is checked against
 * the cluster file's keys and every chunk against its digest by the receiver that stages it.
 *
 * <p>Layout, big-endian: {@code "BFT-SNAP" version:4 sequence:8 proofs:4 (length:4 frame)*
 * table:4 bytes chunks:4 (digest:32)*}, then per chunk in ascending order {@code chunk:4
 * (1 length:4 bytes)* 0}, and {@code -1:4} at the end, so a cut file is told from a whole one.
 *
 * <p>Every count and length read is held to a bound before anything is allocated for it: a file
 * may come from anywhere.
 */
public final class SnapshotFile {
  static final byte[] MAGIC = "BFT-SNAP".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  /** 2f + 1 of a cluster of at most this many replicas. */
  static final int MAX_PROOFS = 1 << 10;
  /** A CHECKPOINT envelope is a few hundred bytes. */
  static final int MAX_PROOF_FRAME = 64 << 10;
  /** The client table is decoded from one array. */
  static final int MAX_TABLE_BYTES = Integer.MAX_VALUE - 16;
  /** Pieces are written as snapshots read them for state transfer. */
  static final int MAX_PIECE_BYTES = ServedState.PIECE_BYTES;

  private SnapshotFile() {}

  /** What the file says before its chunks: enough to check it against the cluster's keys. */
  record Header(long sequence, List<byte[]> proof, byte[] clientTable, Digest[] chunkDigests) {}

  /** A file that is not a snapshot of this cluster, or is damaged: the message says what, in one line. */
  public static final class Malformed extends IllegalArgumentException {
    Malformed(String message) {
      super(message);
    }
  }

  static void writeHeader(DataOutputStream out, Header h) throws IOException {
    out.write(MAGIC);
    out.writeInt(VERSION);
    out.writeLong(h.sequence());
    out.writeInt(h.proof().size());
    for (byte[] frame : h.proof()) {
      out.writeInt(frame.length);
      out.write(frame);
    }
    out.writeInt(h.clientTable().length);
    out.write(h.clientTable());
    out.writeInt(h.chunkDigests().length);
    for (Digest d : h.chunkDigests()) {
      out.write(d.bytesUnsafe());
    }
  }

  /** Every chunk of {@code snapshot} in ascending order, then the end mark. */
  static void writeChunks(DataOutputStream out, StateSnapshot snapshot, int chunks) throws IOException {
    for (int c = 0; c < chunks; c++) {
      out.writeInt(c);
      byte[] position = new byte[0];
      while (true) {
        StateSnapshot.Piece piece = snapshot.read(c, position, MAX_PIECE_BYTES);
        if (piece == null) {
          throw new IllegalStateException("the snapshot refused its own position in chunk " + c);
        }
        out.writeByte(1);
        out.writeInt(piece.bytes().length);
        out.write(piece.bytes());
        if (piece.last()) {
          break;
        }
        position = piece.next();
      }
      out.writeByte(0);
    }
    out.writeInt(-1);
  }

  /**
   * The state digest the header's proof proves, after checking that the proof is 2f + 1 matching
   * CHECKPOINTs signed by replicas of {@code config} and that the table and chunk digests hash up
   * to it.
   */
  static Digest verify(ClusterConfig config, Header h) {
    MessageDecoder decoder = MessageDecoder.of(config);
    List<Checkpoint> proof = new ArrayList<>();
    for (byte[] frame : h.proof()) {
      DecodeResult r = decoder.decode(frame);
      if (!(r instanceof DecodeResult.Accepted a) || !(a.message() instanceof Checkpoint c)) {
        throw new Malformed("its proof holds a message that is not a CHECKPOINT signed by a replica of this cluster ("
            + r + "): the file belongs to another cluster or was altered");
      }
      proof.add(c);
    }
    Digest proven = CheckpointProofs.provenDigest(h.sequence(), proof, new Quorum(config.n(), config.f()),
        config.parameters().checkpointInterval());
    if (proven == null || h.sequence() == 0) {
      throw new Malformed("its proof does not prove checkpoint " + h.sequence() + " (2f + 1 = "
          + new Quorum(config.n(), config.f()).certificate() + " matching CHECKPOINTs of distinct replicas are needed)");
    }
    int chunks = h.chunkDigests().length;
    if (Integer.bitCount(chunks) != 1) {
      throw new Malformed("it names " + chunks + " chunks; a state has a power of two");
    }
    Digest state = StateDigests.checkpoint(MerkleTree.root(h.chunkDigests()), ChunkPieces.contentDigest(h.clientTable()));
    if (!state.equals(proven)) {
      throw new Malformed("its chunk digests and client table do not hash up to the digest its proof proves: "
          + "the file was altered");
    }
    return proven;
  }

  /** Reads a snapshot file in order: the header, then chunk by chunk, piece by piece. */
  static final class Reader {
    private final DataInputStream in;
    private int lastChunk = -1;
    private int chunkCount;
    private boolean inChunk;
    private boolean ended;

    Reader(InputStream in) {
      this.in = new DataInputStream(in);
    }

    Header header() throws IOException {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new Malformed("it is not a bft snapshot file (it does not start with BFT-SNAP)");
      }
      int version = readInt();
      if (version != VERSION) {
        throw new Malformed("it is of format version " + version + "; this bft reads version " + VERSION);
      }
      long sequence = readLong();
      int proofs = readInt();
      if (proofs < 1 || proofs > MAX_PROOFS) {
        throw new Malformed("it claims " + proofs + " CHECKPOINTs in its proof");
      }
      List<byte[]> proof = new ArrayList<>(proofs);
      for (int i = 0; i < proofs; i++) {
        proof.add(bytes(readInt(), MAX_PROOF_FRAME, "CHECKPOINT " + i + " of its proof"));
      }
      byte[] table = bytes(readInt(), MAX_TABLE_BYTES, "its client table");
      chunkCount = readInt();
      if (chunkCount < 1 || chunkCount > 1 << MerkleTree.MAX_DEPTH) {
        throw new Malformed("it claims " + chunkCount + " chunks");
      }
      Digest[] digests = new Digest[chunkCount];
      for (int c = 0; c < chunkCount; c++) {
        digests[c] = Digest.of(bytes(Digest.SIZE, Digest.SIZE, "chunk digest " + c));
      }
      return new Header(sequence, proof, table, digests);
    }

    /** The next chunk whose pieces follow, or -1 at the file's end mark. */
    int nextChunk() throws IOException {
      if (inChunk) {
        throw new IllegalStateException("the pieces of chunk " + lastChunk + " were not all read");
      }
      int c = readInt();
      if (c == -1) {
        ended = true;
        return -1;
      }
      if (c <= lastChunk || c >= chunkCount) {
        throw new Malformed("chunk " + c + " follows chunk " + lastChunk + " (of " + chunkCount + ")");
      }
      lastChunk = c;
      inChunk = true;
      return c;
    }

    /** The next piece of the current chunk, or null where the chunk ends. */
    byte[] nextPiece() throws IOException {
      int mark = in.readUnsignedByte();
      if (mark == 0) {
        inChunk = false;
        return null;
      }
      if (mark != 1) {
        throw new Malformed("a piece of chunk " + lastChunk + " is damaged (mark " + mark + ")");
      }
      return bytes(readInt(), MAX_PIECE_BYTES, "a piece of chunk " + lastChunk);
    }

    /** After the end mark: nothing may follow it. */
    void expectEnd() throws IOException {
      if (!ended || in.read() != -1) {
        throw new Malformed("bytes follow its end mark");
      }
    }

    private int readInt() throws IOException {
      try {
        return in.readInt();
      } catch (EOFException e) {
        throw new Malformed("it is cut short (the export did not finish, or the copy did not)");
      }
    }

    private long readLong() throws IOException {
      try {
        return in.readLong();
      } catch (EOFException e) {
        throw new Malformed("it is cut short (the export did not finish, or the copy did not)");
      }
    }

    private byte[] bytes(int length, int max, String what) throws IOException {
      if (length < 0 || length > max) {
        throw new Malformed(what + " claims " + Integer.toUnsignedString(length) + " bytes (at most " + max + ")");
      }
      // Read in steps, so a length larger than the file costs what the file holds, not what it claims.
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.min(length, 1 << 16));
      byte[] step = new byte[Math.min(length, 1 << 16)];
      int left = length;
      while (left > 0) {
        int r = in.read(step, 0, Math.min(left, step.length));
        if (r < 0) {
          throw new Malformed("it is cut short in " + what + " (the export did not finish, or the copy did not)");
        }
        out.write(step, 0, r);
        left -= r;
      }
      return out.toByteArray();
    }
  }
}
