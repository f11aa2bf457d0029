/**
 * The PBFT replica as a pure, deterministic state machine.
 *
 * <p>A {@link dev.bft.core.protocol.Replica} takes one already-verified event at a time and hands
 * its effects (send, broadcast, reply, persist, timers) to an {@link dev.bft.core.protocol.Effects}
 * sink. It must never read a clock, start a thread, do I/O, draw randomness or verify signatures:
 * the runtime, the simulator and the adversary all drive this same code, and a simulation seed
 * must replay exactly.
 */
package dev.bft.core.protocol;
