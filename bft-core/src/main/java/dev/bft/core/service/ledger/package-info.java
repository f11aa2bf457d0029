/**
 * The ledger: a second built-in service, and the worked example of {@link
 * dev.bft.core.service.ReplicatedService}. Accounts owned by clients, deposits, withdrawals and
 * transfers that never overdraw, a bounded history per account; money is neither created nor
 * destroyed (the sum of balances is always what was deposited minus what was withdrawn).
 */
package dev.bft.core.service.ledger;
