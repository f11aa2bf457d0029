/**
 * The application side: the {@link dev.bft.core.service.ReplicatedService} interface an application
 * implements, and the built-in key-value service used by the demo, the tests and the benchmarks.
 * Services are deterministic: no clocks, randomness or hash-ordered iteration.
 */
package dev.bft.core.service;
