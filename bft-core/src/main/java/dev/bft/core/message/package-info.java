/**
 * The protocol's messages as immutable, already-verified values, and their wire form.
 *
 * <p>Records here are what the protocol core sees: every field has been parsed and checked at the
 * edge (size, sender, signature). A record that came from a peer keeps the exact bytes that peer
 * signed ({@link dev.bft.core.message.WireForm}) so it can be forwarded inside certificates without
 * re-encoding. Nothing in this package performs I/O.
 */
package dev.bft.core.message;
