/**
 * The adapters that run the pure replica for real: Netty links authenticated by a signed
 * challenge, length-prefixed frames with a size limit, a verification pool that checks signatures
 * before events reach the single protocol thread, and timers that post events to it. Protocol
 * decisions never happen here.
 */
package dev.bft.core.runtime;
