/**
 * Chunked state transfer, as pure state machines: {@link dev.bft.core.statetransfer.StateFetcher}
 * is the lagging replica's side (manifest, then only the chunks that differ, from several peers in
 * parallel, each verified as it arrives). The shell carries its requests and answers over the
 * network (the simulator today, the replica transport with the runtime); nothing here does I/O.
 */
package dev.bft.core.statetransfer;
