package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.BatchReply;
import dev.bft.core.message.FetchBatch;
import dev.bft.core.message.Message;
import dev.bft.core.message.NewView;
import dev.bft.core.message.ViewChange;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The decoder is total, and a frame whose signed content was altered is never accepted: if a
 * mutated frame decodes at all, its signed body and signature are exactly the original's.
 */
class DecoderFuzzTest {
  static final CodecFixture FX = new CodecFixture();
  static final List<byte[]> VALID = validFrames();

  static List<byte[]> validFrames() {
    ViewChange vc = (ViewChange) FX.decoder.decode(FX.encodeAs(3, FX.viewChange(3))).message();
    return List.of(
        FX.encodeAs(1, FX.prepare(FX.prePrepare(0, 3), 1)),
        FX.encodeAs(0, FX.prePrepare(0, 3)),
        FX.encodeAs(3, vc),
        FX.encodeAs(1, new NewView(1, List.of(vc, FX.receivedViewChange(0), FX.receivedViewChange(2)), List.of(), 1, null)),
        FX.client.encode(FX.request(5)),
        FX.encodeAs(2, FX.checkpoint(8, 2)),
        FX.encodeAs(2, new FetchBatch(3, FX.prePrepare(0, 3).digest(), 2, null)),
        FX.encodeAs(1, new BatchReply(3, FX.prePrepare(0, 3).batch(), 1, null)));
  }

  @Property(tries = 2000)
  void randomBytesNeverThrow(@ForAll @Size(max = 300) byte[] frame) {
    DecodeResult r = FX.decoder.decode(frame);
    assertThat(r).isNotNull();
  }

  @Provide
  Arbitrary<byte[]> mutated() {
    Arbitrary<byte[]> base = Arbitraries.of(VALID);
    return base.flatMap(frame -> Arbitraries.integers().between(0, 3).flatMap(kind -> Arbitraries.integers()
        .between(0, frame.length - 1).flatMap(pos -> Arbitraries.integers().between(1, 255).map(bits -> {
          byte[] m;
          int b = bits;
          switch (kind) {
            case 0 -> { m = frame.clone(); m[pos] ^= (byte) b; }
            case 1 -> m = Arrays.copyOf(frame, pos);
            case 2 -> { m = Arrays.copyOf(frame, frame.length + 1 + b % 7); m[frame.length] = (byte) b; }
            default -> {
              m = frame.clone();
              int other = (pos + b) % frame.length;
              byte t = m[pos];
              m[pos] = m[other];
              m[other] = t;
            }
          }
          return m;
        }))));
  }

  @Property(tries = 3000)
  void mutatedFramesAreRejectedOrCarryTheOriginalSignedBytes(@ForAll("mutated") byte[] frame) {
    DecodeResult r = FX.decoder.decode(frame);
    if (r instanceof DecodeResult.Accepted a) {
      Message m = a.message();
      boolean sameAsAnOriginal = VALID.stream().map(v -> FX.decoder.decode(v).message())
          .anyMatch(o -> o.type() == m.type() && Arrays.equals(o.wire().body(), m.wire().body())
              && Arrays.equals(o.wire().signature(), m.wire().signature()));
      assertThat(sameAsAnOriginal).as("an accepted frame must carry signed bytes that were really signed").isTrue();
    }
  }
}
