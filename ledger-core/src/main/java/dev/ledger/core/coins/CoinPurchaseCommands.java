package dev.ledger.core.coins;

import java.time.Instant;

/** Commands of a coin purchase. Coins are whole coins; prices in the currency's minor unit. */
public final class CoinPurchaseCommands {
  private CoinPurchaseCommands() {}

  /**
   * Records a new purchase of {@code coins} for {@code priceMinor}, waiting for its payment through
   * {@code paymentIntentId} until {@code expiresAt}. Repeated with the same user, coins, price and
   * currency it answers the purchase as it is (whatever its PaymentIntent and expiry); with other
   * content it is {@code ID_CONFLICT}.
   */
  public record CreateCoinPurchase(
      CoinPurchaseId purchaseId,
      String userId,
      long coins,
      long priceMinor,
      String currency,
      String paymentIntentId,
      Instant expiresAt) {}

  /** Stripe reported the payment: confirm and credit the coins, together and once. */
  public record ConfirmCoinPurchase(
      CoinPurchaseId purchaseId, String paymentIntentId, long amountReceived, String currency) {}

  /** An attempt to pay failed. */
  public record FailCoinPurchase(CoinPurchaseId purchaseId, String reason) {}

  /** No payment arrived in time (and its PaymentIntent was canceled). */
  public record ExpireCoinPurchase(CoinPurchaseId purchaseId) {}

  /** The payment was refunded, {@code refundedTotal} in all (Stripe's running total). */
  public record RefundCoinPurchase(CoinPurchaseId purchaseId, long refundedTotal) {}

  /** The payment is disputed: the coins are taken back, whatever the dispute's outcome. */
  public record ChargeBackCoinPurchase(
      CoinPurchaseId purchaseId, String disputeId, long disputedAmount) {}
}
