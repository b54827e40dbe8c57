package dev.ledger.core.investment;

import java.time.Instant;

/** Events of an investment. Amounts in the currency's minor unit; points are whole points. */
public final class InvestmentEvents {
  private InvestmentEvents() {}

  public sealed interface InvestmentEvent
      permits InvestmentCreated,
          InvestmentActivated,
          InvestmentPaymentMismatched,
          InvestmentFailed,
          InvestmentExpired,
          InvestmentRefunded {
    InvestmentId investmentId();
  }

  /** An investment exists and waits for its payment until {@code expiresAt}. */
  public record InvestmentCreated(
      InvestmentId investmentId,
      String referenceId,
      String userId,
      long amount,
      String currency,
      long pointsReward,
      String paymentIntentId,
      Instant createdAt,
      Instant expiresAt)
      implements InvestmentEvent {}

  /**
   * The payment arrived; {@code pointsAwarded} points went to the user by the transfer {@code
   * awardTransferId}, in the same transaction.
   */
  public record InvestmentActivated(
      InvestmentId investmentId,
      String paymentIntentId,
      long amountReceived,
      long pointsAwarded,
      String awardTransferId,
      Instant activatedAt)
      implements InvestmentEvent {}

  /**
   * A payment arrived that does not match the investment: it is not activated, it fails (the
   * PaymentIntent has succeeded and will report nothing more), and the money is to be settled by
   * hand (reconciliation shows it).
   */
  public record InvestmentPaymentMismatched(
      InvestmentId investmentId,
      String paymentIntentId,
      long expectedAmount,
      String expectedCurrency,
      long receivedAmount,
      String receivedCurrency,
      Instant at)
      implements InvestmentEvent {}

  public record InvestmentFailed(InvestmentId investmentId, String reason, Instant failedAt)
      implements InvestmentEvent {}

  public record InvestmentExpired(InvestmentId investmentId, Instant expiredAt)
      implements InvestmentEvent {}

  /**
   * The payment was refunded in full; the award was reversed by {@code reversalTransferId}. If the
   * user had spent some of the points, only what was left ({@code pointsReversed}) came back, and
   * {@code pointsShortfall} is what could not.
   */
  public record InvestmentRefunded(
      InvestmentId investmentId,
      long refundedTotal,
      long pointsReversed,
      long pointsShortfall,
      String reversalTransferId,
      Instant refundedAt)
      implements InvestmentEvent {}
}
