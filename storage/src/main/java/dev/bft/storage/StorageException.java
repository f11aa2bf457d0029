package dev.bft.storage;

/** The store cannot be opened or written; the message is one line naming the directory and the problem. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
