/**
 * Byzantine behaviour: traitors for the generals' agreement, and (with the adversary issue) lying,
 * equivocating and flooding replicas and clients. Each behaviour is a named class that plays one
 * strategy; tests name the invariant it attacks.
 */
package dev.bft.adversary;
