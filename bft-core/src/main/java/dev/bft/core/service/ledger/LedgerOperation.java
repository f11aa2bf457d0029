package dev.bft.core.service.ledger;

import java.nio.ByteBuffer;

/**
 * A ledger operation and its fixed-size encoding: {@code [kind:1]} then the kind's fields, each
 * account and amount 8 bytes. Decoding checks the exact length of the kind first, so no byte
 * string a client sends allocates anything or decodes in two ways.
 */
public sealed interface LedgerOperation {
  byte OPEN = 1;
  byte DEPOSIT = 2;
  byte WITHDRAW = 3;
  byte TRANSFER = 4;
  byte BALANCE = 5;
  byte HISTORY = 6;
  byte SUPPLY = 7;

  /** Whether it only reads (and may be sent as a read-only request). */
  default boolean readOnly() {
    return this instanceof Balance || this instanceof History || this instanceof Supply;
  }

  /** Opens {@code account}, owned from now on by the client that opens it. */
  record Open(long account) implements LedgerOperation {}

  /** Adds {@code amount} to any open account: money enters the ledger. */
  record Deposit(long account, long amount) implements LedgerOperation {}

  /** Takes {@code amount} out of an account the client owns, if it holds that much: money leaves the ledger. */
  record Withdraw(long account, long amount) implements LedgerOperation {}

  /** Moves {@code amount} from an account the client owns, if it holds that much, to another open account. */
  record Transfer(long from, long to, long amount) implements LedgerOperation {}

  record Balance(long account) implements LedgerOperation {}

  /** The account's latest entries, newest last (at most {@link Account#HISTORY_LIMIT}). */
  record History(long account) implements LedgerOperation {}

  /** What was deposited and withdrawn in all, and how many accounts there are. */
  record Supply() implements LedgerOperation {}

  default byte[] encode() {
    if (this instanceof Open o) {
      return ByteBuffer.allocate(9).put(OPEN).putLong(o.account()).array();
    } else if (this instanceof Deposit d) {
      return ByteBuffer.allocate(17).put(DEPOSIT).putLong(d.account()).putLong(d.amount()).array();
    } else if (this instanceof Withdraw w) {
      return ByteBuffer.allocate(17).put(WITHDRAW).putLong(w.account()).putLong(w.amount()).array();
    } else if (this instanceof Transfer t) {
      return ByteBuffer.allocate(25).put(TRANSFER).putLong(t.from()).putLong(t.to()).putLong(t.amount()).array();
    } else if (this instanceof Balance b) {
      return ByteBuffer.allocate(9).put(BALANCE).putLong(b.account()).array();
    } else if (this instanceof History h) {
      return ByteBuffer.allocate(9).put(HISTORY).putLong(h.account()).array();
    }
    return new byte[] {SUPPLY};
  }

  /** The operation these bytes encode, or null when they encode none (the service answers with an error). */
  static LedgerOperation decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    byte kind = b.get();
    int expected = switch (kind) {
      case OPEN, BALANCE, HISTORY -> 9;
      case DEPOSIT, WITHDRAW -> 17;
      case TRANSFER -> 25;
      case SUPPLY -> 1;
      default -> -1;
    };
    if (bytes.length != expected) {
      return null;
    }
    return switch (kind) {
      case OPEN -> new Open(b.getLong());
      case DEPOSIT -> new Deposit(b.getLong(), b.getLong());
      case WITHDRAW -> new Withdraw(b.getLong(), b.getLong());
      case TRANSFER -> new Transfer(b.getLong(), b.getLong(), b.getLong());
      case BALANCE -> new Balance(b.getLong());
      case HISTORY -> new History(b.getLong());
      default -> new Supply();
    };
  }
}
