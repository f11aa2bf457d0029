package dev.bft.core.service.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One account, immutable (a snapshot shares it with the live state): its owner, its balance and
 * its latest entries. The history keeps the {@link #HISTORY_LIMIT} newest entries, so an account
 * costs a bounded number of bytes however many operations touch it.
 */
public record Account(int owner, long balance, List<Entry> history) {
  /** Entries kept per account: enough to show a client its recent activity, 16 x 25 bytes at most. */
  public static final int HISTORY_LIMIT = 16;
  static final int ENTRY_BYTES = 25;

  /** What an entry records. */
  public enum Kind { DEPOSIT, WITHDRAWAL, SENT, RECEIVED }

  /**
   * One change of a balance: at {@code sequence} (the batch that executed it), by {@code amount},
   * with {@code counterparty} the other account of a transfer (0 otherwise).
   */
  public record Entry(long sequence, Kind kind, long counterparty, long amount) {}

  public Account {
    history = List.copyOf(history);
  }

  static Account opened(int owner) {
    return new Account(owner, 0, List.of());
  }

  /** This account with {@code balance} and {@code entry} added, the oldest entry dropped past the limit. */
  Account with(long balance, Entry entry) {
    List<Entry> h = new ArrayList<>(Math.min(history.size() + 1, HISTORY_LIMIT));
    h.addAll(history.size() < HISTORY_LIMIT ? history : history.subList(1, history.size()));
    h.add(entry);
    return new Account(owner, balance, h);
  }

  int encodedSize() {
    return 4 + 8 + 1 + history.size() * ENTRY_BYTES;
  }

  void encode(ByteBuffer b) {
    b.putInt(owner).putLong(balance).put((byte) history.size());
    for (Entry e : history) {
      encodeEntry(b, e);
    }
  }

  static void encodeEntry(ByteBuffer b, Entry e) {
    b.putLong(e.sequence()).put((byte) e.kind().ordinal()).putLong(e.counterparty()).putLong(e.amount());
  }

  /** Throws IllegalArgumentException (or a buffer underflow) on bytes that are not an account. */
  static Account decode(ByteBuffer b) {
    int owner = b.getInt();
    long balance = b.getLong();
    int count = b.get() & 0xFF;
    if (count > HISTORY_LIMIT || balance < 0) {
      throw new IllegalArgumentException("not an account: " + count + " entries, balance " + balance);
    }
    List<Entry> h = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      h.add(decodeEntry(b));
    }
    return new Account(owner, balance, h);
  }

  static Entry decodeEntry(ByteBuffer b) {
    long sequence = b.getLong();
    int kind = b.get();
    if (kind < 0 || kind >= Kind.values().length) {
      throw new IllegalArgumentException("not an entry kind: " + kind);
    }
    return new Entry(sequence, Kind.values()[kind], b.getLong(), b.getLong());
  }
}
