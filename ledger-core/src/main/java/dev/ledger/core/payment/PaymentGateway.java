package dev.ledger.core.payment;

import java.util.Map;

/**
 * The payment provider, as the domain needs it. Every call that creates or changes something takes
 * an idempotency key derived from the resource and the step ({@link IdempotencyKeys}), so a step
 * run twice, after a crash or a replay, has the effect of one.
 *
 * <p>Failures: {@link PaymentGatewayException} of kind {@code UNAVAILABLE} (not configured,
 * unreachable, or failing after its retries: the call may be repeated with the same key) or {@code
 * REJECTED} (the provider refused the request: repeating it will not help).
 */
public interface PaymentGateway {

  /** Creates a PaymentIntent, or answers the one created before under the same key. */
  PaymentIntent createPaymentIntent(NewPaymentIntent request, String idempotencyKey);

  PaymentIntent retrievePaymentIntent(String paymentIntentId);

  /** Cancels a PaymentIntent; answers it as it is afterwards (or already was). */
  PaymentIntent cancelPaymentIntent(String paymentIntentId, String idempotencyKey);

  Charge retrieveCharge(String chargeId);

  /**
   * Captures an authorised (manual-capture) PaymentIntent in full, or answers it as it is when it
   * was captured or canceled already.
   */
  PaymentIntent capturePaymentIntent(String paymentIntentId, String idempotencyKey);

  /** Moves funds from the platform to a connected account, or answers the transfer made before. */
  Transfer createTransfer(NewTransfer request, String idempotencyKey);

  /** The transfers made so far in a transfer group, newest first (at most 100). */
  java.util.List<Transfer> transfersInGroup(String transferGroup);

  /**
   * A transfer to make to a connected account.
   *
   * @param destination the connected account ({@code acct_…})
   * @param sourceTransaction the charge whose funds it uses, so it waits for them to be available
   */
  record NewTransfer(
      long amount,
      String currency,
      String destination,
      String sourceTransaction,
      String transferGroup,
      Map<String, String> metadata) {}

  /** A transfer as the provider reports it. */
  record Transfer(
      String id,
      long amount,
      String currency,
      String destination,
      String transferGroup,
      boolean reversed) {}

  /**
   * A PaymentIntent to create.
   *
   * @param amount in the currency's minor unit
   * @param currency ISO code, lower case as Stripe has it ({@code usd})
   * @param metadata carried on the PaymentIntent and back in its webhooks: {@code order_type},
   *     {@code reference_id}, {@code tenant}
   * @param manualCapture whether the funds are only authorised until captured
   * @param transferGroup groups the later transfers of the same money (escrow), or null
   */
  record NewPaymentIntent(
      long amount,
      String currency,
      Map<String, String> metadata,
      boolean manualCapture,
      String transferGroup,
      String description) {}

  /**
   * A PaymentIntent as the provider reports it.
   *
   * @param status the provider's status ({@code requires_payment_method}, {@code succeeded}, ...)
   * @param amountReceived what was captured, in minor units
   */
  record PaymentIntent(
      String id,
      String status,
      long amount,
      long amountReceived,
      String currency,
      String clientSecret,
      Map<String, String> metadata,
      String latestChargeId) {}

  /**
   * A charge as the provider reports it.
   *
   * @param amountRefunded everything refunded of it so far, in minor units
   * @param captureBefore until when an authorised, uncaptured charge can be captured (null if
   *     Stripe does not say)
   */
  record Charge(
      String id,
      String paymentIntentId,
      long amount,
      long amountRefunded,
      String currency,
      boolean refunded,
      java.time.Instant captureBefore) {}
}
