/** Subcommands of {@code bin/bft} contributed by the adversary module, registered through ServiceLoader. */
package dev.bft.adversary.cli;
