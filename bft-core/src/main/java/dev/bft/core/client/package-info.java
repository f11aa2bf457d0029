/**
 * The client side of the protocol as a pure state machine: numbering and sending requests,
 * collecting matching replies, retransmitting on timeout. The networked client library and the
 * simulator both drive it; it never reads a clock, signs, or does I/O itself.
 */
package dev.bft.core.client;
