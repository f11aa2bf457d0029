package dev.bft.core.agreement;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bft.core.message.MessageType;
import dev.bft.core.message.wire.Envelope;
import dev.bft.core.message.wire.OralMessageBody;
import dev.bft.core.message.wire.SignatureLink;
import dev.bft.core.message.wire.SignedOrderBody;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.SignatureDomain;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The agreement messages on the wire: ORAL-MESSAGE (20) and SIGNED-ORDER (21) bodies in the common
 * signed envelope. The envelope signature authenticates the link (who relayed it); for SM the
 * chain inside is checked separately by {@link OrderSignatures}. Decoding is total: anything that
 * is not a valid message from a known general is an empty result.
 */
public final class AgreementCodec {
  private static final int VERSION = 1;
  private static final int MAX_VALUE_BYTES = 1024;
  private final Map<Integer, Ed25519PublicKey> keys;

  public AgreementCodec(Map<Integer, Ed25519PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  public static byte[] encode(OralMessage m, Ed25519KeyPair senderKey) {
    OralMessageBody.Builder b = OralMessageBody.newBuilder().setValue(ByteString.copyFromUtf8(m.value()));
    m.path().forEach(b::addPath);
    return envelope(MessageType.ORAL_MESSAGE, m.from(), b.build().toByteArray(), senderKey);
  }

  public static byte[] encode(SignedOrder m, Ed25519KeyPair senderKey) {
    SignedOrderBody.Builder b = SignedOrderBody.newBuilder().setValue(ByteString.copyFromUtf8(m.value()));
    for (SignedOrder.Link l : m.chain()) {
      b.addChain(SignatureLink.newBuilder().setGeneral(l.general()).setSignature(ByteString.copyFrom(l.signature())));
    }
    return envelope(MessageType.SIGNED_ORDER, m.from(), b.build().toByteArray(), senderKey);
  }

  private static byte[] envelope(MessageType type, int sender, byte[] body, Ed25519KeyPair key) {
    return Envelope.newBuilder().setVersion(VERSION).setSender(sender).setType(type.code())
        .setBody(ByteString.copyFrom(body)).setSignature(ByteString.copyFrom(key.sign(SignatureDomain.of(type.code()), body)))
        .build().toByteArray();
  }

  /** The oral message in {@code frame}, addressed to {@code receiver}, if it is one. */
  public Optional<OralMessage> decodeOral(byte[] frame, int receiver) {
    return open(frame, MessageType.ORAL_MESSAGE).flatMap(env -> {
      try {
        OralMessageBody b = OralMessageBody.parseFrom(env.getBody());
        if (b.getPathCount() == 0 || b.getPath(b.getPathCount() - 1) != env.getSender() || b.getValue().size() > MAX_VALUE_BYTES) {
          return Optional.empty();
        }
        return Optional.of(new OralMessage(b.getPathList(), b.getValue().toString(StandardCharsets.UTF_8), receiver));
      } catch (InvalidProtocolBufferException e) {
        return Optional.empty();
      }
    });
  }

  /** The signed order in {@code frame}, addressed to {@code receiver}, if it is one (its chain is not checked here). */
  public Optional<SignedOrder> decodeSigned(byte[] frame, int receiver) {
    return open(frame, MessageType.SIGNED_ORDER).flatMap(env -> {
      try {
        SignedOrderBody b = SignedOrderBody.parseFrom(env.getBody());
        List<SignedOrder.Link> chain = new ArrayList<>();
        for (SignatureLink l : b.getChainList()) {
          chain.add(new SignedOrder.Link(l.getGeneral(), l.getSignature().toByteArray()));
        }
        if (chain.isEmpty() || chain.get(chain.size() - 1).general() != env.getSender()
            || b.getValue().size() > MAX_VALUE_BYTES) {
          return Optional.empty();
        }
        return Optional.of(new SignedOrder(b.getValue().toString(StandardCharsets.UTF_8), chain, receiver));
      } catch (InvalidProtocolBufferException e) {
        return Optional.empty();
      }
    });
  }

  private Optional<Envelope> open(byte[] frame, MessageType type) {
    try {
      Envelope env = Envelope.parseFrom(frame);
      Ed25519PublicKey key = keys.get(env.getSender());
      if (env.getVersion() != VERSION || env.getType() != type.code() || key == null
          || !key.verify(SignatureDomain.of(type.code()), env.getBody().toByteArray(), env.getSignature().toByteArray())) {
        return Optional.empty();
      }
      return Optional.of(env);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
