package dev.bft.core.config;

/** A cluster file is wrong. The message is one line: {@code file:line: what is wrong}. */
public final class ConfigException extends IllegalArgumentException {
  public ConfigException(String file, int line, String message) {
    super(file + (line > 0 ? ":" + line : "") + ": " + message);
  }
}
