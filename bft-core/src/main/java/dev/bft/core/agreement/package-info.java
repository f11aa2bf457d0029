/**
 * Lamport, Shostak and Pease's Byzantine generals: the oral-messages algorithm OM(m) and the
 * signed-messages algorithm SM(m), as pure round-based state machines driven by
 * {@link dev.bft.core.agreement.RoundRunner}, with the interactive-consistency checks IC1 and IC2, and
 * the vector form of 1980 ({@link dev.bft.core.agreement.VectorProcess}: OM(m) once per process).
 * Traitors are other implementations of {@link dev.bft.core.agreement.General} (module adversary).
 * Nothing here does I/O or reads a clock.
 */
package dev.bft.core.agreement;
