package dev.bft.core.message.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bft.core.message.Hello;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.Reply;
import dev.bft.core.message.wire.Envelope;
import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unauthenticated peek agrees with the full decode on well-formed frames and gives up on the rest. */
class EnvelopeHeaderTest {
  final CodecFixture fx = new CodecFixture();

  @Test
  void peeksTheSenderAndTypeOfRealFrames() {
    byte[] request = fx.client.encode(fx.request(7));
    assertThat(EnvelopeHeader.peek(request)).isEqualTo(new EnvelopeHeader(CodecFixture.CLIENT, MessageType.REQUEST.code()));
    byte[] hello = fx.client.encode(Hello.join(CodecFixture.CLIENT, 0, new byte[32]));
    assertThat(EnvelopeHeader.peek(hello)).isEqualTo(new EnvelopeHeader(CodecFixture.CLIENT, MessageType.HELLO.code()));
    byte[] forwarded = fx.replica[2].encode(fx.prePrepare(1, 3)); // keeps its signer's bytes
    assertThat(EnvelopeHeader.peek(forwarded)).isEqualTo(new EnvelopeHeader(1, MessageType.PRE_PREPARE.code()));
  }

  @Test
  void aFrameOfReplicaZeroNamesSenderZeroThoughTheFieldIsLeftOut() {
    byte[] hello = fx.replica[0].encode(new Hello(0, 1, new byte[32], new byte[32], null));
    assertThat(EnvelopeHeader.peek(hello)).isEqualTo(new EnvelopeHeader(0, MessageType.HELLO.code()));
  }

  @Test
  void readsTheClientEachReplyOfABatchIsAddressedTo() {
    List<byte[]> frames = fx.replica[3].encodeReplies(List.of(
        new Reply(0, CodecFixture.CLIENT, 1, new byte[] {1}, 3, null),
        new Reply(0, CodecFixture.CLIENT + 1, 9, new byte[] {2}, 3, null),
        new Reply(0, 77, 9, new byte[0], 3, null)));
    assertThat(frames).extracting(EnvelopeHeader::replyClient).containsExactly(CodecFixture.CLIENT, CodecFixture.CLIENT + 1, 77);
    assertThat(EnvelopeHeader.replyClient(fx.client.encode(fx.request(1)))).as("not a reply").isEqualTo(-1);
  }

  @Test
  void givesUpOnWhatDoesNotParse() {
    assertThat(EnvelopeHeader.peek(new byte[0])).isNull();
    byte[] noType = Envelope.newBuilder().setVersion(1).setSender(5).setBody(ByteString.copyFrom(new byte[3])).build().toByteArray();
    assertThat(EnvelopeHeader.peek(noType)).as("type missing").isNull();
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      byte[] junk = new byte[random.nextInt(64)];
      random.nextBytes(junk);
      EnvelopeHeader.peek(junk); // must not throw
      EnvelopeHeader.replyClient(junk);
    }
  }

  @Test
  void aRepeatedSenderFieldPeeksDifferentlyFromTheParseSoTheDecoderRejectsIt() {
    byte[] request = fx.client.encode(fx.request(2));
    // protobuf keeps the last value of a repeated scalar; the peek stops at the first
    byte[] spoofed = concat(request, Envelope.newBuilder().setSender(CodecFixture.CLIENT + 1).build().toByteArray());
    EnvelopeHeader peeked = EnvelopeHeader.peek(spoofed);
    assertThat(peeked.sender()).isEqualTo(CodecFixture.CLIENT);
    DecodeResult r = fx.decoder.decode(spoofed, peeked.sender());
    assertThat(r).isInstanceOf(DecodeResult.Rejected.class);
    assertThat(((DecodeResult.Rejected) r).reason()).isEqualTo(Rejection.WRONG_SENDER);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
