/**
 * The cluster file: who the replicas and clients are (ids, addresses, public keys) and the protocol
 * parameters. Parsed and validated completely at load; every error is one line with file and line.
 * Nothing here opens sockets or reads private keys.
 */
package dev.bft.core.config;
