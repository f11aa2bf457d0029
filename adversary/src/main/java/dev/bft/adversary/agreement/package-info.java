/**
 * Traitor generals for OM(m) and SM(m): they implement the same {@link dev.bft.core.agreement.General}
 * interface as loyal ones, and may send anything except another general's signature.
 */
package dev.bft.adversary.agreement;
