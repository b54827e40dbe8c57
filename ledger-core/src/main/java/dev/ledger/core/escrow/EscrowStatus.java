package dev.ledger.core.escrow;

/**
 * Where an escrow is. The happy path is {@code AWAITING_AUTHORIZATION → HELD → CAPTURING → CAPTURED
 * → COMPLETED}; a failed transfer goes {@code TRANSFER_FAILED} (retried) and, past its attempts,
 * {@code MANUAL_REVIEW}; a hold ends {@code RELEASING → CANCELED}; refunds end in {@code REFUNDED}.
 */
public enum EscrowStatus {
  AWAITING_AUTHORIZATION,
  HELD,
  CAPTURING,
  CAPTURED,
  TRANSFER_FAILED,
  MANUAL_REVIEW,
  COMPLETED,
  RELEASING,
  CANCELED,
  REFUNDED;

  /** Whether nothing more is expected of the escrow (refunds of a completed one aside). */
  public boolean isFinal() {
    return this == COMPLETED || this == CANCELED || this == REFUNDED;
  }
}
