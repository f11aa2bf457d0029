/** JMH benchmark of the replica core's normal case: four replicas in one thread, with real or no crypto. Measurements only; no assertions. */
package dev.bft.bench.core;
