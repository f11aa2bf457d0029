/**
 * The client library: {@link dev.bft.client.BftClient} submits signed operations to a cluster and
 * completes them on f + 1 matching replies, retransmitting to every replica on timeout.
 */
package dev.bft.client;
