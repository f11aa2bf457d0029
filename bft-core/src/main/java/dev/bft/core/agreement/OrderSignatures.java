package dev.bft.core.agreement;

import dev.bft.core.message.MessageType;
import dev.bft.crypto.Ed25519KeyPair;
import dev.bft.crypto.Ed25519PublicKey;
import dev.bft.crypto.SignatureDomain;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Signing and checking SM(m) chains with Ed25519: link k signs the value and links 0..k-1, in the
 * SIGNED-ORDER domain, so a signature cannot be moved to another value or position.
 */
public final class OrderSignatures {
  private static final SignatureDomain DOMAIN = SignatureDomain.of(MessageType.SIGNED_ORDER.code());
  private final Map<Integer, Ed25519PublicKey> keys;

  public OrderSignatures(Map<Integer, Ed25519PublicKey> keys) {
    this.keys = Map.copyOf(keys);
  }

  static byte[] signedBytes(String value, List<SignedOrder.Link> before) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] v = value.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(v.length).array());
    out.writeBytes(v);
    for (SignedOrder.Link l : before) {
      out.writeBytes(ByteBuffer.allocate(4).putInt(l.general()).array());
      out.writeBytes(l.signature());
    }
    return out.toByteArray();
  }

  /** The chain extended with {@code signer}'s signature. */
  public static List<SignedOrder.Link> extend(String value, List<SignedOrder.Link> chain, int signerId,
                                              Ed25519KeyPair signer) {
    byte[] sig = signer.sign(DOMAIN, signedBytes(value, chain));
    List<SignedOrder.Link> out = new java.util.ArrayList<>(chain);
    out.add(new SignedOrder.Link(signerId, sig));
    return out;
  }

  /** Every signature verifies under its general's key, and no general signs twice. */
  public boolean valid(SignedOrder order) {
    List<SignedOrder.Link> chain = order.chain();
    for (int k = 0; k < chain.size(); k++) {
      SignedOrder.Link link = chain.get(k);
      Ed25519PublicKey key = keys.get(link.general());
      if (key == null || order.signers().subList(0, k).contains(link.general())
          || !key.verify(DOMAIN, signedBytes(order.value(), chain.subList(0, k)), link.signature())) {
        return false;
      }
    }
    return true;
  }
}
