package dev.bft.storage;

import java.util.ArrayList;
import java.util.List;

/** Writes that become durable together, in one transaction. */
public final class WriteBatch {
  sealed interface Op permits Put, Delete, DeleteBelow {}

  record Put(Table table, byte[] key, byte[] value) implements Op {}

  record Delete(Table table, byte[] key) implements Op {}

  /** Deletes every key that sorts strictly before {@code bound}. */
  record DeleteBelow(Table table, byte[] bound) implements Op {}

  final List<Op> ops = new ArrayList<>();

  public WriteBatch put(Table table, byte[] key, byte[] value) {
    ops.add(new Put(table, key.clone(), value.clone()));
    return this;
  }

  public WriteBatch delete(Table table, byte[] key) {
    ops.add(new Delete(table, key.clone()));
    return this;
  }

  public WriteBatch deleteBelow(Table table, byte[] bound) {
    ops.add(new DeleteBelow(table, bound.clone()));
    return this;
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public int size() {
    return ops.size();
  }

  public void clear() {
    ops.clear();
  }
}
