package dev.bft.core.message.codec;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import dev.bft.crypto.Digest;

/** Field checks shared by the decoder's parts: each refuses a peer's value with a {@link Reject}. */
final class Fields {
  private Fields() {}

  static <T> T parse(Parser<T> parser, ByteString bytes, Object what) throws Reject {
    try {
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new Reject(Rejection.MALFORMED, what + " does not parse: " + e.getMessage());
    }
  }

  static Digest digest(ByteString b, String what) throws Reject {
    if (b.isEmpty()) {
      throw new Reject(Rejection.MISSING_FIELD, what + " is missing");
    }
    if (b.size() != Digest.SIZE) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, what + " is " + b.size() + " bytes, not " + Digest.SIZE);
    }
    return Digest.of(b.toByteArray());
  }

  static byte[] bounded(ByteString b, int max, String what) throws Reject {
    if (b.size() > max) {
      throw new Reject(Rejection.TOO_LARGE, what + " of " + b.size() + " bytes exceeds " + max);
    }
    return b.toByteArray();
  }

  static long nonNegative(long v, String what) throws Reject {
    if (v < 0) {
      throw new Reject(Rejection.FIELD_OUT_OF_RANGE, what + " " + Long.toUnsignedString(v) + " is too large");
    }
    return v;
  }

  static long positive(long v, String what) throws Reject {
    if (v <= 0) {
      throw new Reject(v == 0 ? Rejection.MISSING_FIELD : Rejection.FIELD_OUT_OF_RANGE, what + " must be positive");
    }
    return v;
  }

  /** A uint32 field read as a Java int: values of 2^31 and above arrive negative. */
  static int index(int v, String what) throws Reject {
    if (v < 0) {
      throw new Reject(Rejection.MALFORMED, what + " " + Integer.toUnsignedString(v) + " is out of range");
    }
    return v;
  }

  static void atMost(int count, int max, String what) throws Reject {
    if (count > max) {
      throw new Reject(Rejection.TOO_LARGE, count + " " + what + ", at most " + max);
    }
  }
}
