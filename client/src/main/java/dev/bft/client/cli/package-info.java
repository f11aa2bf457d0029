/**
 * The {@code bin/bft} command line (picocli). Subcommands parse and check their arguments, then
 * call into the libraries; every operator error is one line on stderr and a non-zero exit code.
 */
package dev.bft.client.cli;
