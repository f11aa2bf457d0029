package dev.bft.core.message.codec;

import dev.bft.crypto.Digest;
import dev.bft.crypto.SignatureBatch;
import dev.bft.crypto.SignedItem;
import dev.bft.crypto.VerificationTally;
import java.util.ArrayList;
import java.util.List;

/**
 * The signatures embedded in a VIEW-CHANGE or NEW-VIEW, collected while it is parsed and checked
 * only once its shape and its own signature are: a frame refused for its shape has cost no
 * signature check. Replicas' signatures are checked before clients': a certificate a Byzantine
 * replica cannot complete alone (2f PREPAREs of distinct backups) fails there, before the requests
 * inside it, which colluding clients can sign in any number, cost anything.
 */
final class HeldSignatures {
  private final List<SignedItem> replicas = new ArrayList<>();
  private final List<SignedItem> clients = new ArrayList<>();
  private final List<Digest> clientCacheKeys = new ArrayList<>();

  void add(boolean byClient, SignedItem item, Digest cacheKey) {
    if (byClient) {
      clients.add(item);
      clientCacheKeys.add(cacheKey);
    } else {
      replicas.add(item);
    }
  }

  /** Whether all verify; the verified client signatures' cache keys are then in {@link #clientCacheKeys}. */
  boolean verify(VerificationTally tally) {
    return SignatureBatch.allValid(replicas, tally) && SignatureBatch.allValid(clients, tally);
  }

  List<Digest> clientCacheKeys() {
    return clientCacheKeys;
  }
}
