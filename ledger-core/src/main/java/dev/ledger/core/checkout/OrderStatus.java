package dev.ledger.core.checkout;

/** Where an order is. Points orders are {@code COMPLETED} at once; card orders wait for payment. */
public enum OrderStatus {
  COMPLETED,
  PENDING_PAYMENT,
  PAID,
  CANCELED,
  REFUNDED
}
