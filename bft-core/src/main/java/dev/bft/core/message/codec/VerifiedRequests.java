package dev.bft.core.message.codec;

import dev.bft.crypto.Digest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Client signatures already checked, by digest of the exact signed envelope, so each replica
 * verifies a request's signature once even when it arrives again inside a PRE-PREPARE. Bounded:
 * the oldest entries are forgotten first. Thread-safe.
 */
public final class VerifiedRequests {
  private final Map<Digest, Boolean> verified;

  public VerifiedRequests(int capacity) {
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
