package dev.ledger.core.coins;

/**
 * Where a coin purchase is. Only a verified payment makes it {@code CONFIRMED} and credits the
 * coins; a refund in full makes it {@code REFUNDED} and a dispute {@code CHARGEBACK}, each taking
 * the coins back.
 */
public enum CoinPurchaseStatus {
  /** Waiting for its payment. */
  PENDING,
  /**
   * An attempt to pay failed (the customer may still pay), or a payment arrived that cannot be
   * taken as agreed (another amount or currency, or coins the user's balance cannot hold): an
   * operator settles it.
   */
  FAILED,
  /** No payment arrived in time; its PaymentIntent was canceled. */
  EXPIRED,
  CONFIRMED,
  REFUNDED,
  CHARGEBACK
}
