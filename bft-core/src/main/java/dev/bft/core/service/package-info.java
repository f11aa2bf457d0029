/**
 * The application side: the {@link dev.bft.core.service.ReplicatedService} interface an application
 * implements (executions, chunks, snapshots), the pieces state transfer cuts chunks into, and the
 * built-in services: the key-value store and the ledger.
 * Services are deterministic: no clocks, randomness or hash-ordered iteration.
 */
package dev.bft.core.service;
