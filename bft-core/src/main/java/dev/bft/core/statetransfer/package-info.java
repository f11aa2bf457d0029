/**
 * State transfer, as pure state machines: {@link dev.bft.core.statetransfer.StateFetcher} is the
 * lagging replica's side (the manifest's root, a walk down the Merkle tree to the chunks that
 * differ, then those chunks streamed piece by piece into the service's receivers, from several
 * peers in parallel, each checked against what 2f + 1 replicas proved), and
 * {@link dev.bft.core.statetransfer.ServedState} the serving side's answers from a held snapshot.
 * The shell carries requests and answers over the network (the simulator, or the replica transport
 * with the runtime); nothing here does I/O or holds a chunk's bytes.
 */
package dev.bft.core.statetransfer;
