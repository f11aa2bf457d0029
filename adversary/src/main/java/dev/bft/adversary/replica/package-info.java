/**
 * Byzantine replica behaviours: each rewrites what a replica's correct core sends (see
 * {@link dev.bft.core.byzantine.OutboundFilter}). They cannot forge another replica's or a client's
 * signature: they only lie in their own name, equivocate, stay silent or replay.
 */
package dev.bft.adversary.replica;
