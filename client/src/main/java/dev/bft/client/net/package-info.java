/**
 * Network conditions for local clusters: {@link dev.bft.client.net.DelayRelay} puts a wide-area
 * round trip between a dialer and a replica on one machine, where the kernel offers no netem. A
 * tool for benchmarks and tests, run beside replicas: nothing in the replica runtime or the client
 * library may depend on it, and it never looks inside the bytes it carries.
 */
package dev.bft.client.net;
