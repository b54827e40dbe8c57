package dev.ledger.core.investment;

/** Where an investment is. Only a verified payment makes it {@code ACTIVE}. */
public enum InvestmentStatus {
  PENDING_PAYMENT,
  ACTIVE,
  FAILED,
  EXPIRED,
  REFUNDED
}
