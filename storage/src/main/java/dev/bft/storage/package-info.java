/**
 * Durable tables on LMDB: one environment per replica, a few named tables with byte-string keys in
 * byte order, and atomic write batches (one LMDB transaction each, fsynced unless asynchronous
 * durability was chosen). It knows nothing of the protocol; bft-core maps its records onto it.
 * Every failure to open or write is a {@link dev.bft.storage.StorageException} with a one-line message.
 */
package dev.bft.storage;
