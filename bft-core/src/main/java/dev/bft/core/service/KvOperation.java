package dev.bft.core.service;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;


/**
 * An operation on the key-value service, with its compact binary encoding:
 * {@code [kind:1][key length:4][key]} followed by, for PUT, {@code [value length:4][value]}; for
 * CAS, {@code [expected present:1]([expected length:4][expected])?[new length:4][new]}.
 */
public sealed interface KvOperation {
  byte PUT = 1;
  byte GET = 2;
  byte DELETE = 3;
  byte CAS = 4;

  byte[] key();

  boolean readOnly();

  record Put(byte[] key, byte[] value) implements KvOperation {
    public boolean readOnly() {
      return false;
    }
  }

  record Get(byte[] key) implements KvOperation {
    public boolean readOnly() {
      return true;
    }
  }

  record Delete(byte[] key) implements KvOperation {
    public boolean readOnly() {
      return false;
    }
  }

  /** Sets {@code key} to {@code newValue} only if it currently holds {@code expected} (null: only if absent). */
  record Cas(byte[] key, byte[] expected, byte[] newValue) implements KvOperation {
    public boolean readOnly() {
      return false;
    }
  }

  default byte[] encode() {
    byte[] key = key();
    if (this instanceof Put p) {
      return ByteBuffer.allocate(9 + key.length + p.value().length).put(PUT).putInt(key.length).put(key)
          .putInt(p.value().length).put(p.value()).array();
    } else if (this instanceof Get) {
      return ByteBuffer.allocate(5 + key.length).put(GET).putInt(key.length).put(key).array();
    } else if (this instanceof Delete) {
      return ByteBuffer.allocate(5 + key.length).put(DELETE).putInt(key.length).put(key).array();
    }
    Cas c = (Cas) this;
    int expectedLength = c.expected() == null ? 0 : 4 + c.expected().length;
    ByteBuffer b = ByteBuffer.allocate(5 + key.length + 1 + expectedLength + 4 + c.newValue().length)
        .put(CAS).putInt(key.length).put(key).put((byte) (c.expected() == null ? 0 : 1));
    if (c.expected() != null) {
      b.putInt(c.expected().length).put(c.expected());
    }
    return b.putInt(c.newValue().length).put(c.newValue()).array();
  }

  /** Decodes an operation; null for anything that is not one (the service answers with an error). */
  static KvOperation decode(byte[] bytes, int maxKey, int maxValue) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte kind = b.get();
      byte[] key = bytes(b, maxKey);
      KvOperation op = switch (kind) {
        case PUT -> new Put(key, bytes(b, maxValue));
        case GET -> new Get(key);
        case DELETE -> new Delete(key);
        case CAS -> {
          byte present = b.get();
          if (present != 0 && present != 1) {
            yield null;
          }
          byte[] expected = present == 1 ? bytes(b, maxValue) : null;
          yield new Cas(key, expected, bytes(b, maxValue));
        }
        default -> null;
      };
      return op != null && !b.hasRemaining() ? op : null;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] bytes(ByteBuffer b, int max) {
    int length = b.getInt();
    if (length < 0 || length > max || length > b.remaining()) {
      throw new IllegalArgumentException("length " + length);
    }
    byte[] out = new byte[length];
    b.get(out);
    return out;
  }

}
