package dev.bft.adversary.cli;

import dev.bft.core.cli.CommandExtension;

/** Registers {@code bft om} with the launcher. */
public final class AdversaryCommands implements CommandExtension {
  @Override
  public Object command() {
    return new OmCommand();
  }

  /** Registers {@code bft flood-client} with the launcher. */
  public static final class FloodClient implements CommandExtension {
    @Override
    public Object command() {
      return new FloodClientCommand();
    }
  }
}
