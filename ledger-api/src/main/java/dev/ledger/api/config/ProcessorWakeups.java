package dev.ledger.api.config;

/**
 * Lets a read that waits for its projection ({@code minPosition}) have the projection's processor
 * look for new events at once, instead of at its next poll.
 */
public interface ProcessorWakeups {
  /** A read is waiting for {@code processor} to reach a position. */
  void readerWaiting(String processor);
}
