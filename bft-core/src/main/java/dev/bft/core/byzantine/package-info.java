/**
 * The hook through which a replica plays a Byzantine behaviour: the simulator applies it to the
 * replicas it makes faulty, and a real replica applies it when told to (attack tests and demos).
 * The behaviours themselves live in the adversary module. Neither the simulator nor the runtime
 * owns it, so neither depends on the other.
 */
package dev.bft.core.byzantine;
