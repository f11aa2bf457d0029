/**
 * The adapters that run the pure replica for real: Netty links authenticated by a signed
 * challenge, length-prefixed frames with a size limit, a verification pool that checks signatures
 * (per peer, round-robin, bounded) before events reach the single protocol thread, a storage
 * writer that signs, group-commits to LMDB and only then sends, and timers that post events to
 * the protocol thread. Protocol decisions never happen here.
 */
package dev.bft.core.runtime;
