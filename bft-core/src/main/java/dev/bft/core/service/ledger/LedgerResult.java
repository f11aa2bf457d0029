package dev.bft.core.service.ledger;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a ledger operation returned. Encoded {@code [status:1]} then: for OK the account's balance
 * after the operation {@code [balance:8]}; for HISTORY {@code [count:1]} and the entries; for
 * SUPPLY {@code [deposited:8][withdrawn:8][accounts:8]}; for ERROR the message in UTF-8; nothing
 * for the refusals.
 */
public record LedgerResult(Status status, long balance, List<Account.Entry> history, long deposited, long withdrawn,
                           long accounts, String message) {
  public enum Status { OK, HISTORY, SUPPLY, NO_SUCH_ACCOUNT, ACCOUNT_EXISTS, INSUFFICIENT_FUNDS, NOT_OWNER, INVALID_AMOUNT, ERROR }

  public LedgerResult {
    history = history == null ? List.of() : List.copyOf(history);
    message = message == null ? "" : message;
  }

  public static LedgerResult ok(long balance) {
    return new LedgerResult(Status.OK, balance, null, 0, 0, 0, null);
  }

  public static LedgerResult history(List<Account.Entry> entries) {
    return new LedgerResult(Status.HISTORY, 0, entries, 0, 0, 0, null);
  }

  public static LedgerResult supply(long deposited, long withdrawn, long accounts) {
    return new LedgerResult(Status.SUPPLY, 0, null, deposited, withdrawn, accounts, null);
  }

  public static LedgerResult refused(Status status) {
    return new LedgerResult(status, 0, null, 0, 0, 0, null);
  }

  public static LedgerResult error(String message) {
    return new LedgerResult(Status.ERROR, 0, null, 0, 0, 0, message);
  }

  public boolean ok() {
    return status == Status.OK;
  }

  public byte[] encode() {
    return switch (status) {
      case OK -> ByteBuffer.allocate(9).put((byte) status.ordinal()).putLong(balance).array();
      case HISTORY -> {
        ByteBuffer b = ByteBuffer.allocate(2 + history.size() * Account.ENTRY_BYTES).put((byte) status.ordinal())
            .put((byte) history.size());
        history.forEach(e -> Account.encodeEntry(b, e));
        yield b.array();
      }
      case SUPPLY -> ByteBuffer.allocate(25).put((byte) status.ordinal()).putLong(deposited).putLong(withdrawn)
          .putLong(accounts).array();
      case ERROR -> {
        byte[] text = message.getBytes(StandardCharsets.UTF_8);
        yield ByteBuffer.allocate(1 + text.length).put((byte) status.ordinal()).put(text).array();
      }
      default -> new byte[] {(byte) status.ordinal()};
    };
  }

  /** The result these bytes encode; an ERROR result when they encode none. */
  public static LedgerResult decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int s = b.get();
      if (s < 0 || s >= Status.values().length) {
        return error("unreadable result (status " + s + ")");
      }
      Status status = Status.values()[s];
      LedgerResult r = switch (status) {
        case OK -> ok(b.getLong());
        case HISTORY -> {
          int count = b.get() & 0xFF;
          if (count > Account.HISTORY_LIMIT) {
            yield error("unreadable result (" + count + " entries)");
          }
          List<Account.Entry> entries = new ArrayList<>(count);
          for (int i = 0; i < count; i++) {
            entries.add(Account.decodeEntry(b));
          }
          yield history(entries);
        }
        case SUPPLY -> supply(b.getLong(), b.getLong(), b.getLong());
        case ERROR -> {
          byte[] text = new byte[b.remaining()];
          b.get(text);
          yield error(new String(text, StandardCharsets.UTF_8));
        }
        default -> refused(status);
      };
      return b.hasRemaining() ? error("unreadable result (trailing bytes)") : r;
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      return error("unreadable result (" + e.getMessage() + ")");
    }
  }

  @Override
  public String toString() {
    return switch (status) {
      case OK -> "OK balance " + balance;
      case HISTORY -> "HISTORY " + history;
      case SUPPLY -> "SUPPLY deposited " + deposited + ", withdrawn " + withdrawn + ", " + accounts + " accounts";
      case ERROR -> "ERROR " + message;
      default -> status.name();
    };
  }
}
