/**
 * The deterministic simulator: a virtual clock, a seeded network that delays, drops, duplicates and
 * reorders messages and can partition, and n replicas plus clients running the real protocol code.
 * One seed determines one run exactly; invariant checkers run after every step. With
 * {@code Options.withShell} the replicas run the production shell ({@code runtime.ReplicaShell})
 * over simulated I/O ({@link dev.bft.core.sim.SimShell}). With {@code Simulation.reconfigure} a run
 * goes through a reconfiguration ({@link dev.bft.core.sim.SimEpochs}): replicas are then nodes that
 * each epoch names by id, and every message carries its epoch.
 *
 * <p>It must never read the wall clock, use unseeded randomness, or iterate a hash-ordered
 * collection where the order affects what happens.
 */
package dev.bft.core.sim;
