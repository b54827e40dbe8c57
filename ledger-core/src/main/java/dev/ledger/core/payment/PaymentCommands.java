package dev.ledger.core.payment;

import java.time.Instant;

/**
 * What the Stripe webhook adapter tells the domain about one money object. The adapter has verified
 * the event's signature and its metadata before it sends these.
 */
public final class PaymentCommands {
  private PaymentCommands() {}

  /**
   * A PaymentIntent reached {@code status} (as Stripe reports it: {@code requires_capture}, {@code
   * succeeded}, {@code canceled}, or {@code payment_failed} for a failed attempt).
   *
   * @param order what the payment is for, from the PaymentIntent's metadata
   * @param amountReceived captured so far, in minor units
   * @param stripeEventId the webhook event that reported it, for the audit trail
   * @param captureBefore for an authorisation, until when it can be captured (else null)
   */
  public record RecordPaymentIntentStatus(
      String paymentIntentId,
      PaymentOrder order,
      String status,
      long amount,
      long amountReceived,
      String currency,
      String failureReason,
      String stripeEventId,
      Instant occurredAt,
      Instant captureBefore) {}

  /**
   * A charge of the PaymentIntent has {@code amountRefunded} refunded in all (Stripe reports the
   * running total, so a repeated or late report never refunds twice).
   */
  public record RecordChargeRefunded(
      String paymentIntentId,
      PaymentOrder order,
      String chargeId,
      long amountRefunded,
      String currency,
      String stripeEventId,
      Instant occurredAt) {}

  /**
   * A charge of the PaymentIntent is disputed ({@code charge.dispute.created}). Each dispute is
   * recorded once, however often it is reported.
   *
   * @param disputeId Stripe's dispute ({@code dp_…})
   * @param amount the disputed amount, in minor units
   */
  public record RecordChargeDisputed(
      String paymentIntentId,
      PaymentOrder order,
      String chargeId,
      String disputeId,
      long amount,
      String currency,
      String reason,
      String stripeEventId,
      Instant occurredAt) {}
}
