package dev.ledger.core.payment;

import java.time.Duration;

/**
 * Cancels a PaymentIntent whose order or investment ran out of time, for the sagas: with the same
 * idempotency key on every try, and with bounded retries when Stripe cannot be reached.
 */
public final class PaymentIntentCancellation {
  /** How often a cancellation that could not reach Stripe is tried again before giving up. */
  public static final int ATTEMPTS_MAX = 10;

  private PaymentIntentCancellation() {}

  /** What became of a cancellation. */
  public enum Outcome {
    /** Canceled (or it already was, or Stripe refused): nothing more will be paid. */
    CANCELED,
    /** It succeeded meanwhile: the money arrived, and its webhook will say so. */
    SUCCEEDED,
    /** Stripe could not be reached: try again after {@link #retryDelay(int)}. */
    RETRY_LATER
  }

  public static Outcome cancel(
      PaymentGateway gateway, String paymentIntentId, String idempotencyKey, int attempt) {
    try {
      var intent = gateway.cancelPaymentIntent(paymentIntentId, idempotencyKey);
      return "succeeded".equals(intent.status()) ? Outcome.SUCCEEDED : Outcome.CANCELED;
    } catch (PaymentGatewayException e) {
      if (e.kind() == PaymentGatewayException.Kind.UNAVAILABLE && attempt + 1 < ATTEMPTS_MAX) {
        return Outcome.RETRY_LATER;
      }
      // refused, or unreachable for too long: treat as canceled; a payment that still arrives is
      // accepted by the domain and shows in reconciliation
      return Outcome.CANCELED;
    }
  }

  /** 30 s after the first failure, doubling, at most an hour. */
  public static Duration retryDelay(int attempt) {
    return Duration.ofSeconds(Math.min(3600, 30L << Math.min(attempt, 7)));
  }
}
