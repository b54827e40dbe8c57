package dev.ledger.projections.ledger;

import org.axonframework.eventhandling.TrackingToken;

/** The global position of the event being handled. */
final class Positions {
  private Positions() {}

  static long of(TrackingToken token) {
    return token
        .position()
        .orElseThrow(() -> new IllegalStateException("event without a position"));
  }
}
