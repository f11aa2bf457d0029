/** JMH benchmarks of the crypto primitives: Ed25519 sign and verify, batch verification, SHA-256. Measurements only; no assertions. */
package dev.bft.bench.crypto;
