/**
 * {@code bft nemesis}: real replica processes behind link proxies, a recorded client workload,
 * faults on a seeded schedule, and a linearizability check of the whole history (docs/nemesis.md).
 * A test harness run from the command line: it starts, signals and kills processes and deletes
 * their data directories, so nothing in the replica or the client library may depend on it.
 */
package dev.bft.client.nemesis;
