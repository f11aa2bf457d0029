/**
 * The seam through which modules that bft-core cannot depend on (adversary, bench) add subcommands
 * to {@code bin/bft}: each registers a {@link dev.bft.core.cli.CommandExtension} with ServiceLoader.
 */
package dev.bft.core.cli;
