package dev.ledger.core.payment;

import java.time.Instant;

/**
 * Events of a Stripe money object (one PaymentIntent and its charges). Each fact is recorded once
 * however often and in whatever order Stripe reports it. Amounts are in minor units.
 */
public final class PaymentEvents {
  private PaymentEvents() {}

  public sealed interface PaymentEvent
      permits PaymentAuthorized,
          PaymentSucceeded,
          PaymentFailed,
          PaymentCanceled,
          PaymentRefunded,
          PaymentDisputed {
    String paymentIntentId();

    PaymentOrder order();
  }

  /**
   * Funds are held (manual capture) and can be captured until {@code captureBefore} (null in events
   * recorded before the deadline was tracked).
   */
  public record PaymentAuthorized(
      String paymentIntentId,
      PaymentOrder order,
      long amount,
      String currency,
      String stripeEventId,
      Instant captureBefore)
      implements PaymentEvent {}

  /** The money arrived: {@code amountReceived} was captured. */
  public record PaymentSucceeded(
      String paymentIntentId,
      PaymentOrder order,
      long amountReceived,
      String currency,
      String stripeEventId,
      Instant occurredAt)
      implements PaymentEvent {}

  /** An attempt to pay failed; the customer may still try again with the same PaymentIntent. */
  public record PaymentFailed(
      String paymentIntentId, PaymentOrder order, String reason, String stripeEventId)
      implements PaymentEvent {}

  /** The PaymentIntent was canceled: no money will arrive through it. */
  public record PaymentCanceled(String paymentIntentId, PaymentOrder order, String stripeEventId)
      implements PaymentEvent {}

  /**
   * More of the payment was refunded.
   *
   * @param refundedTotal all refunded so far
   * @param refundedNow what this event adds
   */
  public record PaymentRefunded(
      String paymentIntentId,
      PaymentOrder order,
      String chargeId,
      long refundedTotal,
      long refundedNow,
      String currency,
      String stripeEventId)
      implements PaymentEvent {}

  /**
   * A charge of the payment was disputed: Stripe has taken {@code amount} back from the platform
   * until the dispute is decided. Recorded once per dispute.
   */
  public record PaymentDisputed(
      String paymentIntentId,
      PaymentOrder order,
      String chargeId,
      String disputeId,
      long amount,
      String currency,
      String reason,
      String stripeEventId)
      implements PaymentEvent {}
}
