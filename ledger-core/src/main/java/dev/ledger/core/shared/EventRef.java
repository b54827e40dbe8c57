package dev.ledger.core.shared;

/**
 * Points at one stored event by its aggregate and sequence number; the HTTP layer turns the latest
 * of a command's events into the global position it answers with.
 */
public record EventRef(String aggregateId, long sequence) {}
