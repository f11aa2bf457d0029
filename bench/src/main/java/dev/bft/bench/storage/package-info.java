/** JMH benchmark of persisting the replica log on LMDB, synchronous and asynchronous. Measurements only; no assertions. */
package dev.bft.bench.storage;
