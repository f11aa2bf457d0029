package dev.bft.core.protocol;

import java.util.Collection;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The per-sequence slots inside the watermark window (h, H], H = h + L. Nothing outside the window
 * is ever stored, so the log is bounded by L whatever peers send.
 */
final class MessageLog {
  private final Quorum quorum;
  private final int window;
  private final NavigableMap<Long, SequenceSlot> slots = new TreeMap<>();
  private long low;

  MessageLog(Quorum quorum, int window, long low) {
    this.quorum = quorum;
    this.window = window;
    this.low = low;
  }

  long low() {
    return low;
  }

  long high() {
    return low + window;
  }

  boolean inWindow(long sequence) {
    return sequence > low && sequence <= high();
  }

  /** The slot for a sequence in the window, created on first use. */
  SequenceSlot slot(long sequence) {
    if (!inWindow(sequence)) {
      throw new IllegalArgumentException("sequence " + sequence + " is outside (" + low + ", " + high() + "]");
    }
    return slots.computeIfAbsent(sequence, s -> new SequenceSlot(s, quorum));
  }

  SequenceSlot existing(long sequence) {
    return slots.get(sequence);
  }

  /** Moves the low watermark to {@code h} and forgets every slot at or below it. */
  void advanceLowWatermark(long h) {
    if (h <= low) {
      return;
    }
    low = h;
    slots.headMap(h, true).clear();
  }

  /** Forgets every slot: a new view starts with only what its NEW-VIEW re-proposes. */
  void clearSlots() {
    slots.clear();
  }

  int size() {
    return slots.size();
  }

  Collection<SequenceSlot> above(long sequence) {
    return slots.tailMap(sequence, false).values();
  }

  /** The lowest slot held, or the low watermark when none is. */
  long lowestSequence() {
    return slots.isEmpty() ? low : slots.firstKey();
  }

  long highestSequence() {
    return slots.isEmpty() ? low : slots.lastKey();
  }
}
