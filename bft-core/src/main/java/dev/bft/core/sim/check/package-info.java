/**
 * Invariant checkers (docs/protocol.md, What the protocol guarantees). Each observes what correct replicas and
 * clients did and throws {@link dev.bft.core.sim.InvariantViolation} the moment an invariant
 * breaks. They are fed by the simulator and by adversary scenarios; they never influence a run.
 * {@link dev.bft.core.sim.check.LinearizabilityChecker} and the history file
 * ({@link dev.bft.core.sim.check.KvHistoryFile}) also serve histories recorded from real processes
 * (docs/linearizability.md); nothing here may depend on the runtime.
 */
package dev.bft.core.sim.check;
