package dev.bft.core.service;

/** Where an operation is executed: the request's identity, its sequence number and the primary's timestamp. */
public record ExecutionContext(int clientId, long requestNumber, long sequence, long timestamp) {}
