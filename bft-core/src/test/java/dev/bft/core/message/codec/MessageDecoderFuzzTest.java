package dev.bft.core.message.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder is total (issue 22): every byte string gives a {@link DecodeResult}, no exception
 * escapes and nothing is allocated by a peer's length field (the -Pfuzz run caps the heap, so such
 * an allocation fails as an OutOfMemoryError). The decoder turns any RuntimeException of its own
 * into a MALFORMED rejection "undecodable: ..."; the targets treat that as a finding too, since it
 * means a check is missing. Seeds: valid frames of every type and the hostile ones of issue 22
 * ({@code MessageDecoderFuzzTestInputs/}).
 */
class MessageDecoderFuzzTest {
  static final CodecFixture FX = new CodecFixture();

  @FuzzTest(maxDuration = "10m")
  void decode(byte[] frame) {
    check(FX.decoder.decode(frame), frame);
    check(FX.decoder.decode(frame, frame.length % 5), frame);
  }

  /** The first byte says how many frames (1-4), each following as [length:2][bytes]; a batch equation checks their signatures. */
  @FuzzTest(maxDuration = "10m")
  void decodeAll(byte[] input) {
    int count = input.length == 0 ? 1 : 1 + (input[0] & 3);
    List<byte[]> frames = new ArrayList<>();
    int[] senders = new int[count];
    int pos = 1;
    for (int i = 0; i < count; i++) {
      int length = pos + 1 < input.length ? ((input[pos] & 0xFF) << 8 | input[pos + 1] & 0xFF) : 0;
      pos = Math.min(pos + 2, input.length);
      int end = Math.min(input.length, pos + length);
      frames.add(Arrays.copyOfRange(input, pos, end));
      senders[i] = length % 6 - 1;
      pos = end;
    }
    List<DecodeResult> results = FX.decoder.decodeAll(frames, senders, m -> true);
    if (results.size() != count) {
      throw new AssertionError(count + " frames gave " + results.size() + " results");
    }
    for (int i = 0; i < count; i++) {
      check(results.get(i), frames.get(i));
    }
  }

  private static void check(DecodeResult r, byte[] frame) {
    if (r == null) {
      throw new AssertionError("no result");
    }
    if (r instanceof DecodeResult.Rejected rej && (rej.reason() == null || rej.detail() == null
        || rej.detail().startsWith("undecodable: "))) {
      throw new AssertionError("an exception inside the decoder: " + rej + " for "
          + java.util.HexFormat.of().formatHex(frame));
    }
    if (r instanceof DecodeResult.Accepted a && a.message().wire() == null) {
      throw new AssertionError("accepted without its signed bytes: " + a.message().type());
    }
  }
}
