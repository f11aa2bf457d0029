/**
 * The shell that runs the pure replica for real. {@link dev.bft.core.runtime.ReplicaShell} is its
 * logic (the protocol lane driving the replica, verification with the vote filter, the effects,
 * the commit stage that persists before it sends, the timers), which reaches the world only
 * through {@link dev.bft.core.runtime.Transport}, {@link dev.bft.core.runtime.ShellClock},
 * {@link dev.bft.core.runtime.Lane} and {@link dev.bft.core.runtime.DurableRecords}, so the seeded
 * simulator runs it too. {@link dev.bft.core.runtime.ReplicaNode} gives it a process's I/O: Netty
 * links authenticated by a signed challenge, length-prefixed frames with a size limit, a
 * verification pool, threads, LMDB. Protocol decisions never happen here, and this package never
 * imports the simulator.
 */
package dev.bft.core.runtime;
