/**
 * Durable tables on LMDB: one environment per replica, a few named tables with byte-string keys in
 * byte order, and atomic write batches (one LMDB transaction each, fsynced unless asynchronous
 * durability was chosen). It knows nothing of the protocol; bft-core maps its records onto it.
 * {@link dev.bft.storage.LmdbTables} is the same for a service that keeps its own state, larger than
 * the heap: its own environment, one long write transaction, read transactions held by other threads.
 * Every failure to open or write is a {@link dev.bft.storage.StorageException} with a one-line message.
 */
package dev.bft.storage;
