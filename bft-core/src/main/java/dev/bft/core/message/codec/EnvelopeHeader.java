package dev.bft.core.message.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;

/**
 * What a frame claims about itself, read without parsing or verifying it: its sender and type,
 * and for a REPLY the client it is addressed to. For routing and cheap refusals before the real
 * decode, never for trust: nothing here is authenticated. Whoever relies on a peeked sender must
 * hand it to the decoder as the expected sender, so a frame whose parse disagrees with its peek
 * (a field repeated, say) is rejected there.
 */
public record EnvelopeHeader(int sender, int type) {
  private static final int ENVELOPE_SENDER = 2;
  private static final int ENVELOPE_TYPE = 3;
  private static final int ENVELOPE_BODY = 4;
  private static final int PROOF_REPLY = 1;
  private static final int REPLY_CLIENT = 2;

  /** The header of {@code frame}, or null if the frame does not parse that far. */
  public static EnvelopeHeader peek(byte[] frame) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(frame);
      int sender = -1;
      int type = -1;
      for (int tag = in.readTag(); tag != 0 && (sender < 0 || type < 0); tag = in.readTag()) {
        int field = WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT ? WireFormat.getTagFieldNumber(tag) : 0;
        switch (field) {
          case ENVELOPE_SENDER -> sender = in.readUInt32();
          case ENVELOPE_TYPE -> type = in.readUInt32();
          default -> in.skipField(tag);
        }
      }
      // An absent sender is sender 0 (proto3 leaves default values out): replica 0's own frames.
      return type < 0 ? null : new EnvelopeHeader(Math.max(sender, 0), type);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The client a REPLY frame is addressed to (unverified), or -1 if it is not a well-formed REPLY. */
  public static int replyClient(byte[] frame) {
    try {
      byte[] body = field(frame, ENVELOPE_BODY);
      byte[] reply = body == null ? null : field(body, PROOF_REPLY);
      if (reply == null) {
        return -1;
      }
      CodedInputStream in = CodedInputStream.newInstance(reply);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == REPLY_CLIENT && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
          return in.readUInt32();
        }
        in.skipField(tag);
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static byte[] field(byte[] message, int number) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(message);
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == number && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        return in.readByteArray();
      }
      in.skipField(tag);
    }
    return null;
  }
}
