package dev.bft.core.service;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** What a key-value operation returned, with its binary encoding {@code [status:1][length:4][bytes]?}. */
public record KvResult(Status status, byte[] value) {
  public enum Status { OK, VALUE, ABSENT, CAS_FAILED, ERROR }

  public static final KvResult OK = new KvResult(Status.OK, null);
  public static final KvResult ABSENT = new KvResult(Status.ABSENT, null);

  public static KvResult value(byte[] v) {
    return new KvResult(Status.VALUE, v);
  }

  /** CAS did not apply; {@code current} is the value found (null when absent). */
  public static KvResult casFailed(byte[] current) {
    return new KvResult(Status.CAS_FAILED, current);
  }

  public static KvResult error(String message) {
    return new KvResult(Status.ERROR, message.getBytes(StandardCharsets.UTF_8));
  }

  public byte[] encode() {
    if (value == null) {
      return new byte[] {(byte) status.ordinal()};
    }
    return ByteBuffer.allocate(5 + value.length).put((byte) status.ordinal()).putInt(value.length).put(value).array();
  }

  /** Decodes a result; an {@link Status#ERROR} result describing the problem for bytes that are not one. */
  public static KvResult decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int s = b.get();
      if (s < 0 || s >= Status.values().length) {
        return error("unknown result status " + s);
      }
      if (!b.hasRemaining()) {
        return new KvResult(Status.values()[s], null);
      }
      int length = b.getInt();
      if (length < 0 || length != b.remaining()) {
        return error("result length " + length + " does not match");
      }
      byte[] v = new byte[length];
      b.get(v);
      return new KvResult(Status.values()[s], v);
    } catch (BufferUnderflowException e) {
      return error("truncated result");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvResult r && r.status == status && Arrays.equals(r.value, value);
  }

  @Override
  public int hashCode() {
    return status.hashCode() * 31 + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return status + (value == null ? "" : Arrays.toString(value));
  }
}
