package dev.bft.core.message.codec;

import dev.bft.core.message.Message;
import dev.bft.crypto.Digest;
import dev.bft.crypto.SignedItem;
import java.util.List;
import java.util.function.Predicate;

/**
 * What decoding one frame may still spend and what it has collected: counts embedded messages
 * across the frame, so nesting cannot multiply the work; and holds signatures to be checked
 * together, by one batch equation, or after a certificate's shape (see {@link HeldSignatures}).
 */
final class Budget {
  final Predicate<Message> worthVerifying;
  private final int maxEmbedded;
  int embedded;
  int depth;
  /**
   * Signatures collected to be checked together, with their cache keys (null where none): a
   * batch's requests, or in {@link MessageDecoder#decodeAll} every deferrable signature of the frame.
   */
  List<SignedItem> deferred;
  List<Digest> deferredCacheKeys;
  /** The R hint a batch carries for the request being decoded (see {@link SignedItem#rX}). */
  byte[] requestHint;
  /** While a top-level VIEW-CHANGE or NEW-VIEW is parsed: its embedded signatures, checked after its shape. */
  HeldSignatures held;

  Budget(Predicate<Message> worthVerifying, int maxEmbedded) {
    this.worthVerifying = worthVerifying;
    this.maxEmbedded = maxEmbedded;
  }

  void enter() throws Reject {
    if (++embedded > maxEmbedded) {
      throw new Reject(Rejection.TOO_LARGE, "more than " + maxEmbedded + " embedded messages");
    }
  }
}
