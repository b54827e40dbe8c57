package dev.ledger.core.payment;

/**
 * A PaymentIntent's state, ordered: a report of an earlier state after a later one is ignored, so
 * webhooks may arrive in any order. {@code FAILED} is an attempt that failed: a later success still
 * counts. {@code CANCELED} and {@code SUCCEEDED} end the PaymentIntent (refunds are tracked apart).
 */
public enum PaymentStatus {
  CREATED(0),
  FAILED(1),
  AUTHORIZED(2),
  SUCCEEDED(3),
  CANCELED(3);

  private final int rank;

  PaymentStatus(int rank) {
    this.rank = rank;
  }

  /** Whether moving from this state to {@code next} is progress (not a stale report). */
  public boolean canMoveTo(PaymentStatus next) {
    return next.rank > rank;
  }
}
