/**
 * The built-in key-value store with its state in LMDB, so the state may be far larger than the heap:
 * buckets of keys by a stable hash as the service's chunks, a digest per bucket recomputed from
 * fixed-size hash records, snapshots as LMDB read transactions, chunks received and staged entry by
 * entry. Heap use is set by the bucket count and the largest entry, never by the data: nothing here
 * may load a bucket, a table or a whole value list into memory.
 */
package dev.bft.core.service.kv;
