package dev.ledger.core.investment;

import java.time.Instant;

/** Commands of an investment. Amounts in the currency's minor unit; rewards in whole points. */
public final class InvestmentCommands {
  private InvestmentCommands() {}

  /**
   * Records a new investment waiting for its payment through {@code paymentIntentId}, until {@code
   * expiresAt}.
   */
  public record CreateInvestment(
      InvestmentId investmentId,
      String userId,
      long amount,
      String currency,
      long pointsReward,
      String paymentIntentId,
      Instant expiresAt) {}

  /** Stripe reported the payment: activate and award the points, together and once. */
  public record ActivateInvestment(
      InvestmentId investmentId, String paymentIntentId, long amountReceived, String currency) {}

  /** An attempt to pay failed. */
  public record FailInvestment(InvestmentId investmentId, String reason) {}

  /** No payment arrived in time (and its PaymentIntent was canceled). */
  public record ExpireInvestment(InvestmentId investmentId) {}

  /** The payment was refunded, {@code refundedTotal} in all. */
  public record RefundInvestment(InvestmentId investmentId, long refundedTotal) {}
}
