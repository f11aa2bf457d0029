package dev.bft.core.message.codec;

import dev.bft.core.config.ClusterConfig;
import dev.bft.core.config.Configurations;
import dev.bft.core.config.EpochStart;
import dev.bft.core.message.Checkpoint;
import dev.bft.core.protocol.StateDigests;
import dev.bft.crypto.Digest;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * EPOCH-NOTICE: what a replica of a new epoch tells a client still in the one before (docs/reconfiguration.md).
 * It proves itself, so it is sent unsigned and outside any epoch: the next configuration's bytes,
 * where the epoch starts (sequence and state digest), the ordinary digest of that state, and the
 * 2f + 1 CHECKPOINTs of the epoch before that made the start stable. A receiver that knows the
 * epoch before checks the CHECKPOINTs' signatures with its keys and that their digest is the
 * ordinary one bound to exactly these configuration bytes; nothing else is taken on trust.
 *
 * <p>Layout, big-endian: {@code 00 'B' 'F' 'T' 'N' version:1 config-length:4 config start:8
 * state:32 ordinary:32 proofs:1 (length:4 frame)*}. The leading zero byte is no protobuf tag, so
 * no envelope starts this way.
 */
public record EpochNotice(byte[] configuration, long start, Digest state, Digest ordinary, List<byte[]> proof) {
  private static final byte[] MAGIC = {0, 'B', 'F', 'T', 'N'};
  private static final byte VERSION = 1;

  public EpochNotice {
    proof = List.copyOf(proof);
  }

  /** Whether {@code frame} is an EPOCH-NOTICE rather than an envelope. */
  public static boolean is(byte[] frame) {
    return frame.length > MAGIC.length && Arrays.equals(frame, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
  }

  public byte[] encode() {
    int size = MAGIC.length + 1 + 4 + configuration.length + 8 + 2 * Digest.SIZE + 1;
    for (byte[] f : proof) {
      size += 4 + f.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).put(MAGIC).put(VERSION).putInt(configuration.length).put(configuration)
        .putLong(start).put(state.bytesUnsafe()).put(ordinary.bytesUnsafe()).put((byte) proof.size());
    proof.forEach(f -> b.putInt(f.length).put(f));
    return b.array();
  }

  /** Parses a notice; IllegalArgumentException on bytes that are not one (every length held to the bytes present). */
  public static EpochNotice decode(byte[] frame) {
    if (!is(frame)) {
      throw new IllegalArgumentException("not an epoch notice");
    }
    ByteBuffer b = ByteBuffer.wrap(frame, MAGIC.length, frame.length - MAGIC.length);
    try {
      if (b.get() != VERSION) {
        throw new IllegalArgumentException("an epoch notice of another version");
      }
      byte[] configuration = lengthPrefixed(b);
      long start = b.getLong();
      Digest state = digest(b);
      Digest ordinary = digest(b);
      int count = Byte.toUnsignedInt(b.get());
      List<byte[]> proof = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        proof.add(lengthPrefixed(b));
      }
      if (b.hasRemaining()) {
        throw new IllegalArgumentException(b.remaining() + " bytes after the proof");
      }
      return new EpochNotice(configuration, start, state, ordinary, proof);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("an epoch notice cut short");
    }
  }

  /**
   * The configuration of epoch {@code known.epoch() + 1} this notice proves, starting where it
   * says, with what is local to this machine taken from {@code known}; IllegalArgumentException,
   * saying why, when it proves nothing to a holder of {@code known}.
   */
  public ClusterConfig verify(ClusterConfig known) {
    ClusterConfig next = Configurations.decode(configuration, known.dataDirectory(), known.metricsHost());
    if (next.epoch() != known.epoch() + 1) {
      throw new IllegalArgumentException("it announces epoch " + next.epoch() + " to a holder of epoch " + known.epoch());
    }
    if (!StateDigests.epoch(ordinary, Configurations.digest(next)).equals(state)) {
      throw new IllegalArgumentException("its start is not bound to the configuration it carries");
    }
    if (proof.size() > known.n()) {
      // Refused before any signature is checked: a notice costs its receiver n checks at most.
      throw new IllegalArgumentException("it carries " + proof.size() + " CHECKPOINTs; epoch " + known.epoch() + " has "
          + known.n() + " replicas");
    }
    MessageDecoder decoder = MessageDecoder.of(known);
    Set<Integer> signers = new HashSet<>();
    for (byte[] frame : proof) {
      DecodeResult r = decoder.decode(frame);
      if (r instanceof DecodeResult.Accepted a && a.message() instanceof Checkpoint c && c.sequence() == start
          && c.stateDigest().equals(state)) {
        signers.add(c.sender());
      }
    }
    if (signers.size() < 2 * known.f() + 1) {
      throw new IllegalArgumentException(signers.size() + " replicas of epoch " + known.epoch() + " signed its start; "
          + (2 * known.f() + 1) + " must");
    }
    return next.localTo(known).startingAt(new EpochStart(start, state));
  }

  /** A {@code length:4} field and its bytes, the length held to what is left. */
  public static byte[] lengthPrefixed(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > b.remaining()) {
      throw new IllegalArgumentException("a length of " + length + " with " + b.remaining() + " bytes left");
    }
    byte[] out = new byte[length];
    b.get(out);
    return out;
  }

  private static Digest digest(ByteBuffer b) {
    byte[] d = new byte[Digest.SIZE];
    b.get(d);
    return Digest.of(d);
  }
}
