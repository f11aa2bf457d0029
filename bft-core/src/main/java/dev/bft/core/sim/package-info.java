/**
 * The deterministic simulator: a virtual clock, a seeded network that delays, drops, duplicates and
 * reorders messages and can partition, and n replicas plus clients running the real protocol code.
 * One seed determines one run exactly; invariant checkers run after every step.
 *
 * <p>It must never read the wall clock, use unseeded randomness, or iterate a hash-ordered
 * collection where the order affects what happens.
 */
package dev.bft.core.sim;
