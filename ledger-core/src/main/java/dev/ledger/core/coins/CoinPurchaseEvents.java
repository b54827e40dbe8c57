package dev.ledger.core.coins;

import java.time.Instant;

/**
 * Events of a coin purchase. Coins are whole coins; money amounts in the currency's minor unit.
 * Every transfer named here was posted in the same transaction as the event.
 */
public final class CoinPurchaseEvents {
  private CoinPurchaseEvents() {}

  public sealed interface CoinPurchaseEvent
      permits CoinPurchaseCreated,
          CoinPurchaseConfirmed,
          CoinPurchasePaymentMismatched,
          CoinPurchaseCreditRefused,
          CoinPurchaseFailed,
          CoinPurchaseExpired,
          CoinPurchaseRefunded,
          CoinPurchaseChargedBack {
    CoinPurchaseId purchaseId();
  }

  /** A purchase exists and waits for its payment until {@code expiresAt}. */
  public record CoinPurchaseCreated(
      CoinPurchaseId purchaseId,
      String referenceId,
      String userId,
      long coins,
      long priceMinor,
      String currency,
      String paymentIntentId,
      Instant createdAt,
      Instant expiresAt)
      implements CoinPurchaseEvent {}

  /**
   * The payment arrived and the purchase's coins were issued from {@code platform:coins:issuance}:
   * {@code coinsSettled} of them to the user's shortfall account, settling what an earlier refund
   * or chargeback could not take back (transfer {@code settlementTransferId}, null if none), and
   * {@code coinsCredited} to {@code user:{userId}:coins} (transfer {@code creditTransferId}, null
   * if none). The two add up to the purchase's coins.
   */
  public record CoinPurchaseConfirmed(
      CoinPurchaseId purchaseId,
      String paymentIntentId,
      long amountReceived,
      long coinsCredited,
      long coinsSettled,
      String creditTransferId,
      String settlementTransferId,
      Instant confirmedAt)
      implements CoinPurchaseEvent {}

  /**
   * A payment arrived that does not match the purchase: no coins are credited, the purchase fails,
   * and the money is to be settled by hand.
   */
  public record CoinPurchasePaymentMismatched(
      CoinPurchaseId purchaseId,
      String paymentIntentId,
      long expectedAmount,
      String expectedCurrency,
      long receivedAmount,
      String receivedCurrency,
      Instant at)
      implements CoinPurchaseEvent {}

  /**
   * The payment arrived but the coins cannot be credited: a balance would pass 2^63 − 1. Nothing is
   * credited, the purchase fails, and the money is to be refunded by hand.
   */
  public record CoinPurchaseCreditRefused(
      CoinPurchaseId purchaseId,
      String paymentIntentId,
      long amountReceived,
      String reason,
      Instant at)
      implements CoinPurchaseEvent {}

  public record CoinPurchaseFailed(CoinPurchaseId purchaseId, String reason, Instant failedAt)
      implements CoinPurchaseEvent {}

  public record CoinPurchaseExpired(CoinPurchaseId purchaseId, Instant expiredAt)
      implements CoinPurchaseEvent {}

  /**
   * More of the payment was refunded, {@code refundedTotal} in all, and the coins it paid for were
   * taken back in proportion: {@code coinsTakenBack} more now (floor(coins × refundedTotal / price)
   * in all). Of those, {@code coinsFromAccount} came out of the user's coins account (transfer
   * {@code clawbackTransferId}) and {@code coinsShortfall}, which the user no longer had, were
   * posted from the user's shortfall account (transfer {@code shortfallTransferId}). {@code
   * fullyRefunded} ends the purchase as {@code REFUNDED}.
   */
  public record CoinPurchaseRefunded(
      CoinPurchaseId purchaseId,
      long refundedTotal,
      boolean fullyRefunded,
      long coinsTakenBack,
      long coinsFromAccount,
      long coinsShortfall,
      String clawbackTransferId,
      String shortfallTransferId,
      Instant refundedAt)
      implements CoinPurchaseEvent {}

  /**
   * The payment was disputed ({@code disputeId}, for {@code disputedAmount}): every coin of the
   * purchase not yet taken back was taken back now ({@code coinsTakenBack}), as for a refund, and
   * the purchase ends as {@code CHARGEBACK}.
   */
  public record CoinPurchaseChargedBack(
      CoinPurchaseId purchaseId,
      String disputeId,
      long disputedAmount,
      long coinsTakenBack,
      long coinsFromAccount,
      long coinsShortfall,
      String clawbackTransferId,
      String shortfallTransferId,
      Instant chargedBackAt)
      implements CoinPurchaseEvent {}
}
