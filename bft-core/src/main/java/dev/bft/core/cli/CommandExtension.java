package dev.bft.core.cli;

/**
 * A subcommand of {@code bin/bft} contributed by another module, found with
 * {@link java.util.ServiceLoader}. The launcher adds {@link #command()} as a picocli subcommand.
 */
public interface CommandExtension {
  /** A picocli-annotated command object (annotated with {@code @Command(name = ...)}). */
  Object command();
}
