package dev.bft.adversary.cli;

import dev.bft.core.cli.CommandExtension;

/** Registers {@code bft om} with the launcher. */
public final class AdversaryCommands implements CommandExtension {
  @Override
  public Object command() {
    return new OmCommand();
  }
}
