package dev.bft.core.message.codec;

import dev.bft.crypto.Digest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signatures already checked, by a digest of (key, signed bytes, signature): a replica verifies a
 * client's request once even when it arrives again inside a PRE-PREPARE, and a client process
 * verifies a replica's signed reply root once for all the replies under it. Bounded: the oldest
 * entries are forgotten first. Thread-safe.
 */
public final class VerifiedSignatures {
  private final Map<Digest, Boolean> verified;

  public VerifiedSignatures(int capacity) {
    this.verified = new LinkedHashMap<>(capacity, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Digest, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  public synchronized boolean contains(Digest envelopeDigest) {
    return verified.containsKey(envelopeDigest);
  }

  public synchronized void add(Digest envelopeDigest) {
    verified.put(envelopeDigest, Boolean.TRUE);
  }

  public synchronized int size() {
    return verified.size();
  }
}
