/**
 * Keys, signatures and digests: Ed25519 (RFC 8032, the context variant for domain separation) on
 * BouncyCastle's low-level implementation, SHA-256 from the JDK, key files, and a verifier that
 * spreads work over a thread pool.
 *
 * <p>Nothing here knows about the protocol; it must never depend on another module of the project.
 */
package dev.bft.crypto;
